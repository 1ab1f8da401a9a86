/**
 * IAM schema: the one account this server hosts (its root credentials live in iam_access_keys with
 * user_id NULL), RAM users, access keys, custom and system policies, roles and policy attachments.
 *
 * ARNs are not stored: they are derived from the account id (acs:ram::<account>:user/<name>), so an
 * account id given later in the environment (env wins, brief §4) keeps every ARN consistent.
 *
 * iam_generation is bumped by triggers on every IAM table, so a server that notices another process
 * wrote the file (PRAGMA data_version) can tell with one cheap read whether IAM data changed at all.
 */
const IAM_TABLES = [
  'iam_root',
  'iam_users',
  'iam_access_keys',
  'iam_policies',
  'iam_roles',
  'iam_attachments',
];

const triggers = IAM_TABLES.flatMap((table) =>
  ['INSERT', 'UPDATE', 'DELETE'].map(
    (op) => `CREATE TRIGGER IF NOT EXISTS ${table}_${op.toLowerCase()}_gen AFTER ${op} ON ${table}
BEGIN UPDATE iam_generation SET value = value + 1 WHERE id = 1; END;`,
  ),
).join('\n');

const NOW = `CAST(unixepoch('subsec') * 1000 AS INTEGER)`;

export const IAM_SCHEMA = `
CREATE TABLE IF NOT EXISTS iam_generation (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  value INTEGER NOT NULL
);
INSERT OR IGNORE INTO iam_generation (id, value) VALUES (1, 0);

CREATE TABLE IF NOT EXISTS iam_root (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  account_id TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS iam_users (
  user_id TEXT PRIMARY KEY,
  user_name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  display_name TEXT NOT NULL,
  comments TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS iam_access_keys (
  access_key_id TEXT PRIMARY KEY,
  secret TEXT NOT NULL,
  -- NULL: the root account's key
  user_id TEXT REFERENCES iam_users (user_id) ON DELETE CASCADE,
  status TEXT NOT NULL DEFAULT 'Active' CHECK (status IN ('Active', 'Inactive')),
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS iam_access_keys_user ON iam_access_keys (user_id);

CREATE TABLE IF NOT EXISTS iam_policies (
  policy_type TEXT NOT NULL CHECK (policy_type IN ('Custom', 'System')),
  policy_name TEXT NOT NULL COLLATE NOCASE,
  description TEXT NOT NULL DEFAULT '',
  document TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (policy_type, policy_name)
);

CREATE TABLE IF NOT EXISTS iam_roles (
  role_id TEXT PRIMARY KEY,
  role_name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  description TEXT NOT NULL DEFAULT '',
  assume_role_policy TEXT NOT NULL,
  max_session_duration INTEGER NOT NULL DEFAULT 3600,
  created_at INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS iam_attachments (
  principal_type TEXT NOT NULL CHECK (principal_type IN ('User', 'Role')),
  -- user_id or role_id
  principal_id TEXT NOT NULL,
  policy_type TEXT NOT NULL,
  policy_name TEXT NOT NULL COLLATE NOCASE,
  attached_at INTEGER NOT NULL,
  PRIMARY KEY (principal_type, principal_id, policy_type, policy_name),
  FOREIGN KEY (policy_type, policy_name) REFERENCES iam_policies (policy_type, policy_name)
);
CREATE INDEX IF NOT EXISTS iam_attachments_policy ON iam_attachments (policy_type, policy_name);

-- The two OSS system policies RAM ships, so \`attach-policy-to-user --policy-name AliyunOSSFullAccess\` works.
INSERT OR IGNORE INTO iam_policies (policy_type, policy_name, description, document, created_at, updated_at) VALUES
  ('System', 'AliyunOSSFullAccess', 'Full access to Object Storage Service (OSS)',
   '{"Version":"1","Statement":[{"Action":"oss:*","Resource":"*","Effect":"Allow"}]}', ${NOW}, ${NOW}),
  ('System', 'AliyunOSSReadOnlyAccess', 'Read-only access to Object Storage Service (OSS)',
   '{"Version":"1","Statement":[{"Action":["oss:Get*","oss:List*"],"Resource":"*","Effect":"Allow"}]}', ${NOW}, ${NOW});

${triggers}
`;
