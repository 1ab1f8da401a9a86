/**
 * Whether the root AccessKey this data dir holds was ever shown to anyone (issue 11). A first
 * `ossbatch server` that fails after generating the key (port in use) used to lose it for good; the flag lets
 * the first *successful* start print it. Rows that exist before this migration count as shown (1): their
 * key was printed by the start that generated it, or came from the environment.
 */
export const ROOT_KEY_SHOWN_SCHEMA = `
ALTER TABLE iam_root ADD COLUMN root_key_shown INTEGER NOT NULL DEFAULT 1;
`;
