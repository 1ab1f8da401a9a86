import type Database from 'better-sqlite3';
import type { SqliteDb } from '../../db/sqlite/open.js';

const OBJECT_COLUMNS =
  'bucket, key, version_id, size, etag, content_type, last_modified, storage_class, acl, user_meta, http_headers, tags, restore_ready_at, restore_expires_at, restore_days, restore_tier, file';

/** Every SQL statement of the built-in store (house style 6.3: SQL visible, in one place). */
const SQL = {
  insertBucket:
    'INSERT INTO store_buckets (name, owner, acl, storage_class, region, created_at, policy) VALUES (?, ?, ?, ?, ?, ?, NULL)',
  getBucket: 'SELECT * FROM store_buckets WHERE name = ?',
  listBuckets: 'SELECT * FROM store_buckets WHERE owner = ? ORDER BY name',
  setBucketAcl: 'UPDATE store_buckets SET acl = ? WHERE name = ?',
  setBucketPolicy: 'UPDATE store_buckets SET policy = ? WHERE name = ?',
  deleteBucket: 'DELETE FROM store_buckets WHERE name = ?',
  anyObject: 'SELECT 1 FROM store_objects WHERE bucket = ? LIMIT 1',

  getObject: `SELECT ${OBJECT_COLUMNS} FROM store_objects WHERE bucket = ? AND key = ?`,
  getFile: 'SELECT file FROM store_objects WHERE bucket = ? AND key = ?',
  upsertObject: `INSERT OR REPLACE INTO store_objects (${OBJECT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, NULL, ?)`,
  fileReferenced: 'SELECT 1 FROM store_objects WHERE file = ? LIMIT 1',

  listRange: `SELECT ${OBJECT_COLUMNS} FROM store_objects WHERE bucket = ? AND key >= ? AND key < ? ORDER BY key LIMIT ?`,
  listOpen: `SELECT ${OBJECT_COLUMNS} FROM store_objects WHERE bucket = ? AND key >= ? ORDER BY key LIMIT ?`,

  // Hot batch path: one UPDATE per change, checked by `changes` (ARCHITECTURE.md §4).
  setTags: 'UPDATE store_objects SET tags = ? WHERE bucket = ? AND key = ?',
  setTagsVersion: 'UPDATE store_objects SET tags = ? WHERE bucket = ? AND key = ? AND version_id = ?',
  setAcl: 'UPDATE store_objects SET acl = ? WHERE bucket = ? AND key = ?',
  setAclVersion: 'UPDATE store_objects SET acl = ? WHERE bucket = ? AND key = ? AND version_id = ?',
  getVersion: 'SELECT version_id FROM store_objects WHERE bucket = ? AND key = ?',
  getTagState: 'SELECT version_id, tags FROM store_objects WHERE bucket = ? AND key = ?',
  getRestoreState:
    'SELECT version_id, storage_class, restore_ready_at, restore_expires_at, restore_days, restore_tier FROM store_objects WHERE bucket = ? AND key = ?',
  setRestore:
    'UPDATE store_objects SET restore_ready_at = ?, restore_expires_at = ?, restore_days = ?, restore_tier = ? WHERE bucket = ? AND key = ?',
  seedObject: `INSERT OR REPLACE INTO store_objects (${OBJECT_COLUMNS}) VALUES (?, ?, ?, ?, ?, 'application/octet-stream', ?, ?, 'default', NULL, NULL, ?, NULL, NULL, NULL, NULL, NULL)`,
};

export type Statements = Record<keyof typeof SQL, Database.Statement>;

/** Prepares every statement once per store; hot paths never prepare per call. */
export function prepareStatements(db: SqliteDb): Statements {
  const out: Partial<Statements> = {};
  for (const [name, sql] of Object.entries(SQL)) out[name as keyof Statements] = db.prepare(sql);
  return out as Statements;
}
