/**
 * Every IAM statement on PostgreSQL (house style: visible, in one place). Row shapes are the SQLite
 * adapter's (db/sqlite/iam-sql.ts), so the same row → RAM object mappers apply. Names compare and sort
 * ignoring case (lower(name)), as SQLite's COLLATE NOCASE columns do.
 */
export type { AttachedRow, KeyRow, KeyWithUserRow, PolicyRow, RoleRow, UserRow } from '../sqlite/iam-sql.js';

const POLICY_COLUMNS = `p.*, (SELECT count(*) FROM iam_attachments a2
  WHERE a2.policy_type = p.policy_type AND a2.policy_name = p.policy_name) AS attachment_count`;

/** Serialises IAM writes (check-then-write rules: key limit, delete conflicts) across nodes: "osbi". */
export const IAM_WRITE_LOCK_KEY = 0x6f736269;

export const IAM_SQL = {
  lock: 'SELECT pg_advisory_xact_lock($1)',
  generation: 'SELECT value FROM iam_generation WHERE id = 1',
  keyWithUser: `SELECT k.*, u.user_name FROM iam_access_keys k
    LEFT JOIN iam_users u ON u.user_id = k.user_id WHERE k.access_key_id = $1`,
  policyDocsFor: `SELECT p.document FROM iam_attachments a JOIN iam_policies p
    ON p.policy_type = a.policy_type AND p.policy_name = a.policy_name
    WHERE a.principal_type = $1 AND a.principal_id = $2 ORDER BY a.attached_at, lower(p.policy_name)`,

  userByName: 'SELECT * FROM iam_users WHERE lower(user_name) = lower($1)',
  users: 'SELECT * FROM iam_users ORDER BY lower(user_name), user_name',
  insertUser: `INSERT INTO iam_users (user_id, user_name, display_name, comments, created_at)
    VALUES ($1, $2, $3, $4, $5)`,
  deleteUser: 'DELETE FROM iam_users WHERE user_id = $1',

  keysOfUser: 'SELECT * FROM iam_access_keys WHERE user_id = $1 ORDER BY created_at, access_key_id',
  insertKey: `INSERT INTO iam_access_keys (access_key_id, secret, user_id, status, created_at)
    VALUES ($1, $2, $3, 'Active', $4)`,
  updateKeyStatus: 'UPDATE iam_access_keys SET status = $1 WHERE user_id = $2 AND access_key_id = $3',
  deleteKey: 'DELETE FROM iam_access_keys WHERE user_id = $1 AND access_key_id = $2',

  policy: `SELECT ${POLICY_COLUMNS} FROM iam_policies p WHERE p.policy_type = $1 AND lower(p.policy_name) = lower($2)`,
  policies: `SELECT ${POLICY_COLUMNS} FROM iam_policies p WHERE ($1::text IS NULL OR p.policy_type = $1)
    ORDER BY p.policy_type, lower(p.policy_name)`,
  insertPolicy: `INSERT INTO iam_policies (policy_type, policy_name, description, document, version, created_at,
    updated_at) VALUES ('Custom', $1, $2, $3, 1, $4, $4)`,
  updatePolicyDocument: `UPDATE iam_policies SET document = $1, version = version + 1, updated_at = $2
    WHERE policy_type = 'Custom' AND lower(policy_name) = lower($3)`,
  deletePolicy: `DELETE FROM iam_policies WHERE policy_type = 'Custom' AND lower(policy_name) = lower($1)`,

  roleByName: 'SELECT * FROM iam_roles WHERE lower(role_name) = lower($1)',
  roles: 'SELECT * FROM iam_roles ORDER BY lower(role_name), role_name',
  insertRole: `INSERT INTO iam_roles (role_id, role_name, description, assume_role_policy, created_at)
    VALUES ($1, $2, $3, $4, $5)`,
  deleteRole: 'DELETE FROM iam_roles WHERE role_id = $1',

  attach: `INSERT INTO iam_attachments (principal_type, principal_id, policy_type, policy_name, attached_at)
    VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
  detach: `DELETE FROM iam_attachments
    WHERE principal_type = $1 AND principal_id = $2 AND policy_type = $3 AND policy_name = $4`,
  detachAll: 'DELETE FROM iam_attachments WHERE principal_type = $1 AND principal_id = $2',
  attachedTo: `SELECT ${POLICY_COLUMNS}, a.attached_at FROM iam_attachments a JOIN iam_policies p
    ON p.policy_type = a.policy_type AND p.policy_name = a.policy_name
    WHERE a.principal_type = $1 AND a.principal_id = $2 ORDER BY a.attached_at, lower(p.policy_name)`,

  rootAccount: 'SELECT account_id FROM iam_root WHERE id = 1',
  insertRoot:
    'INSERT INTO iam_root (id, account_id, created_at) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING',
  upsertRoot: `INSERT INTO iam_root (id, account_id, created_at) VALUES (1, $1, $2)
    ON CONFLICT (id) DO UPDATE SET account_id = excluded.account_id`,
  rootKey: `SELECT access_key_id, secret FROM iam_access_keys WHERE user_id IS NULL
    ORDER BY created_at LIMIT 1`,
  keyOwner: 'SELECT user_id FROM iam_access_keys WHERE access_key_id = $1',
  deleteRootKeys: 'DELETE FROM iam_access_keys WHERE user_id IS NULL',
  insertRootKey: `INSERT INTO iam_access_keys (access_key_id, secret, user_id, status, created_at)
    VALUES ($1, $2, NULL, 'Active', $3)`,
} as const;

export type IamSqlName = keyof typeof IAM_SQL;
