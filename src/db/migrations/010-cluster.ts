/**
 * Tables for work several engines share (ARCHITECTURE.md §8), and the shard attempt on chunks.
 * - chunks.shard_attempt: the attempt whose report shard holds the committed shard_bytes (0: the legacy
 *   shard named by chunk only). A new attempt copies that prefix into its own shard (named by attempt),
 *   so a stale attempt can never write into the shard the report reads.
 * - job_leases: one row per (job, purpose = plan | settle); token is the fencing token, bumped on every
 *   claim; a released lease keeps its row (expires_at = 0) so tokens only grow.
 * - nodes: one row per running engine, heartbeat seen_at about once a second.
 * - console_sessions: console sign-ins, so a session works on every node and survives a restart.
 * Times are ms since the epoch.
 */
export const CLUSTER_SCHEMA = `
ALTER TABLE chunks ADD COLUMN shard_attempt INTEGER NOT NULL DEFAULT 0;
CREATE TABLE job_leases (
  job_id     TEXT    NOT NULL,
  purpose    TEXT    NOT NULL,
  owner      TEXT    NOT NULL,
  token      INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (job_id, purpose)
);
CREATE TABLE nodes (
  node_id    TEXT    PRIMARY KEY,
  store_kind TEXT    NOT NULL,
  started_at INTEGER NOT NULL,
  seen_at    INTEGER NOT NULL
);
CREATE TABLE console_sessions (
  session_id    TEXT    PRIMARY KEY,
  access_key_id TEXT    NOT NULL,
  csrf_token    TEXT    NOT NULL,
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL
);
CREATE INDEX console_sessions_created ON console_sessions (created_at, session_id);
`;
