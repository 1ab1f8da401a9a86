/**
 * IAM schema on PostgreSQL (the SQLite one is src/db/migrations/001-iam.ts; same columns and rules).
 * - Names are unique ignoring case, as RAM's are: SQLite's COLLATE NOCASE becomes a unique index on
 *   lower(name); lookups compare lower(name) = lower($1). Key text columns are COLLATE "C" so order and
 *   comparisons are byte order, as SQLite's BINARY.
 * - iam_generation is bumped by a statement trigger on every IAM table, inside the writing transaction, and
 *   the same trigger queues a NOTIFY (delivered at commit) so every node drops its IAM caches within a second,
 *   whoever wrote (a node or `ossbatch ram --db …`). See IamDirectory.changeToken.
 * Times are ms since the epoch (BIGINT).
 */
const IAM_TABLES = [
  'iam_root',
  'iam_users',
  'iam_access_keys',
  'iam_policies',
  'iam_roles',
  'iam_attachments',
];

const triggers = IAM_TABLES.map(
  (t) => `CREATE TRIGGER ${t}_gen AFTER INSERT OR UPDATE OR DELETE ON ${t}
  FOR EACH STATEMENT EXECUTE FUNCTION ossbatch_iam_bump();`,
).join('\n');

const NOW = `(extract(epoch FROM clock_timestamp()) * 1000)::bigint`;

export const PG_IAM_SCHEMA = `
CREATE TABLE iam_generation (
  id    INTEGER PRIMARY KEY CHECK (id = 1),
  value BIGINT  NOT NULL
);
INSERT INTO iam_generation (id, value) VALUES (1, 0);

CREATE FUNCTION ossbatch_iam_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE iam_generation SET value = value + 1 WHERE id = 1;
  PERFORM pg_notify('ossbatch', '{"kind":"iam-changed"}');
  RETURN NULL;
END $$;

CREATE TABLE iam_root (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  account_id TEXT    NOT NULL,
  created_at BIGINT  NOT NULL
);

CREATE TABLE iam_users (
  user_id      TEXT COLLATE "C" PRIMARY KEY,
  user_name    TEXT COLLATE "C" NOT NULL,
  display_name TEXT   NOT NULL,
  comments     TEXT   NOT NULL DEFAULT '',
  created_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX iam_users_name ON iam_users (lower(user_name));

CREATE TABLE iam_access_keys (
  access_key_id TEXT COLLATE "C" PRIMARY KEY,
  secret        TEXT   NOT NULL,
  -- NULL: the root account's key
  user_id       TEXT COLLATE "C" REFERENCES iam_users (user_id) ON DELETE CASCADE,
  status        TEXT   NOT NULL DEFAULT 'Active' CHECK (status IN ('Active', 'Inactive')),
  created_at    BIGINT NOT NULL
);
CREATE INDEX iam_access_keys_user ON iam_access_keys (user_id);

CREATE TABLE iam_policies (
  policy_type TEXT COLLATE "C" NOT NULL CHECK (policy_type IN ('Custom', 'System')),
  policy_name TEXT COLLATE "C" NOT NULL,
  description TEXT    NOT NULL DEFAULT '',
  document    TEXT    NOT NULL,
  version     INTEGER NOT NULL DEFAULT 1,
  created_at  BIGINT  NOT NULL,
  updated_at  BIGINT  NOT NULL,
  PRIMARY KEY (policy_type, policy_name)
);
CREATE UNIQUE INDEX iam_policies_name ON iam_policies (policy_type, lower(policy_name));

CREATE TABLE iam_roles (
  role_id              TEXT COLLATE "C" PRIMARY KEY,
  role_name            TEXT COLLATE "C" NOT NULL,
  description          TEXT    NOT NULL DEFAULT '',
  assume_role_policy   TEXT    NOT NULL,
  max_session_duration INTEGER NOT NULL DEFAULT 3600,
  created_at           BIGINT  NOT NULL
);
CREATE UNIQUE INDEX iam_roles_name ON iam_roles (lower(role_name));

-- policy_name holds the policy row's own spelling (the admin resolves it first), so the FK matches exactly.
CREATE TABLE iam_attachments (
  principal_type TEXT COLLATE "C" NOT NULL CHECK (principal_type IN ('User', 'Role')),
  principal_id   TEXT COLLATE "C" NOT NULL,
  policy_type    TEXT COLLATE "C" NOT NULL,
  policy_name    TEXT COLLATE "C" NOT NULL,
  attached_at    BIGINT NOT NULL,
  PRIMARY KEY (principal_type, principal_id, policy_type, policy_name),
  FOREIGN KEY (policy_type, policy_name) REFERENCES iam_policies (policy_type, policy_name)
);
CREATE INDEX iam_attachments_policy ON iam_attachments (policy_type, policy_name);

INSERT INTO iam_policies (policy_type, policy_name, description, document, created_at, updated_at) VALUES
  ('System', 'AliyunOSSFullAccess', 'Full access to Object Storage Service (OSS)',
   '{"Version":"1","Statement":[{"Action":"oss:*","Resource":"*","Effect":"Allow"}]}', ${NOW}, ${NOW}),
  ('System', 'AliyunOSSReadOnlyAccess', 'Read-only access to Object Storage Service (OSS)',
   '{"Version":"1","Statement":[{"Action":["oss:Get*","oss:List*"],"Resource":"*","Effect":"Allow"}]}', ${NOW}, ${NOW});

${triggers}
`;
