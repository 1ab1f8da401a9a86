import type { Statement } from 'better-sqlite3';
import type { SqliteDb } from './open.js';

/** Row shapes of the IAM tables (src/db/migrations/001-iam.ts). */
export interface UserRow {
  user_id: string;
  user_name: string;
  display_name: string;
  comments: string;
  created_at: number;
}
export interface KeyRow {
  access_key_id: string;
  secret: string;
  user_id: string | null;
  status: 'Active' | 'Inactive';
  created_at: number;
}
export interface KeyWithUserRow extends KeyRow {
  user_name: string | null;
}
export interface PolicyRow {
  policy_type: 'Custom' | 'System';
  policy_name: string;
  description: string;
  document: string;
  version: number;
  created_at: number;
  updated_at: number;
  attachment_count: number;
}
export interface RoleRow {
  role_id: string;
  role_name: string;
  description: string;
  assume_role_policy: string;
  max_session_duration: number;
  created_at: number;
}
export interface AttachedRow extends PolicyRow {
  attached_at: number;
}

const POLICY_COLUMNS = `p.*, (SELECT COUNT(*) FROM iam_attachments a2
  WHERE a2.policy_type = p.policy_type AND a2.policy_name = p.policy_name) AS attachment_count`;

/** Every IAM statement (house style: SQL visible, in one place). */
const SQL = {
  dataVersion: 'PRAGMA data_version',
  generation: 'SELECT value FROM iam_generation WHERE id = 1',
  keyWithUser: `SELECT k.*, u.user_name FROM iam_access_keys k
      LEFT JOIN iam_users u ON u.user_id = k.user_id WHERE k.access_key_id = ?`,
  policyDocsFor: `SELECT p.document FROM iam_attachments a JOIN iam_policies p
      ON p.policy_type = a.policy_type AND p.policy_name = a.policy_name
      WHERE a.principal_type = ? AND a.principal_id = ? ORDER BY a.attached_at, p.policy_name`,

  userByName: 'SELECT * FROM iam_users WHERE user_name = ?',
  users: 'SELECT * FROM iam_users ORDER BY user_name',
  insertUser:
    'INSERT INTO iam_users (user_id, user_name, display_name, comments, created_at) VALUES (?, ?, ?, ?, ?)',
  deleteUser: 'DELETE FROM iam_users WHERE user_id = ?',

  keysOfUser: 'SELECT * FROM iam_access_keys WHERE user_id = ? ORDER BY created_at, access_key_id',
  insertKey: `INSERT INTO iam_access_keys (access_key_id, secret, user_id, status, created_at) VALUES (?, ?, ?, 'Active', ?)`,
  updateKeyStatus: 'UPDATE iam_access_keys SET status = ? WHERE user_id = ? AND access_key_id = ?',
  deleteKey: 'DELETE FROM iam_access_keys WHERE user_id = ? AND access_key_id = ?',

  policy: `SELECT ${POLICY_COLUMNS} FROM iam_policies p WHERE p.policy_type = ? AND p.policy_name = ?`,
  policies: `SELECT ${POLICY_COLUMNS} FROM iam_policies p WHERE (? IS NULL OR p.policy_type = ?)
      ORDER BY p.policy_type, p.policy_name`,
  insertPolicy: `INSERT INTO iam_policies (policy_type, policy_name, description, document, version, created_at, updated_at)
      VALUES ('Custom', ?, ?, ?, 1, ?, ?)`,
  updatePolicyDocument: `UPDATE iam_policies SET document = ?, version = version + 1, updated_at = ?
      WHERE policy_type = 'Custom' AND policy_name = ?`,
  deletePolicy: `DELETE FROM iam_policies WHERE policy_type = 'Custom' AND policy_name = ?`,

  roleByName: 'SELECT * FROM iam_roles WHERE role_name = ?',
  roles: 'SELECT * FROM iam_roles ORDER BY role_name',
  insertRole: `INSERT INTO iam_roles (role_id, role_name, description, assume_role_policy, created_at)
      VALUES (?, ?, ?, ?, ?)`,
  deleteRole: 'DELETE FROM iam_roles WHERE role_id = ?',

  attach: `INSERT OR IGNORE INTO iam_attachments (principal_type, principal_id, policy_type, policy_name, attached_at)
      VALUES (?, ?, ?, ?, ?)`,
  detach: `DELETE FROM iam_attachments WHERE principal_type = ? AND principal_id = ? AND policy_type = ? AND policy_name = ?`,
  detachAll: 'DELETE FROM iam_attachments WHERE principal_type = ? AND principal_id = ?',
  attachedTo: `SELECT ${POLICY_COLUMNS}, a.attached_at FROM iam_attachments a JOIN iam_policies p
      ON p.policy_type = a.policy_type AND p.policy_name = a.policy_name
      WHERE a.principal_type = ? AND a.principal_id = ? ORDER BY a.attached_at, p.policy_name`,
} as const;

/** Statements that return the first column only. */
const PLUCKED = new Set<keyof typeof SQL>(['dataVersion', 'generation', 'policyDocsFor']);

export type IamStatements = Readonly<Record<keyof typeof SQL, Statement>>;

/** Prepares every IAM statement once per connection. */
export function prepareIamStatements(db: SqliteDb): IamStatements {
  const entries = (Object.keys(SQL) as (keyof typeof SQL)[]).map((name) => {
    const stmt = db.prepare(SQL[name]);
    return [name, PLUCKED.has(name) ? stmt.pluck() : stmt] as const;
  });
  return Object.fromEntries(entries) as Record<keyof typeof SQL, Statement>;
}
