import type Database from 'better-sqlite3';
import type { SqliteDb } from '../../db/sqlite/open.js';
import type { ObjectRow } from './rows.js';

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
  // The same read as an array (RAW below): HeadObject/GetObject's one query per request.
  getObjectRaw: `SELECT ${OBJECT_COLUMNS} FROM store_objects WHERE bucket = ? AND key = ?`,
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
  // Rows this connection changed since it opened, and commits by other connections: object-meta-cache.ts.
  totalChanges: 'SELECT total_changes()',
  dataVersion: 'PRAGMA data_version',
  seedObject: `INSERT OR REPLACE INTO store_objects (${OBJECT_COLUMNS}) VALUES (?, ?, ?, ?, ?, 'application/octet-stream', ?, ?, 'default', NULL, NULL, ?, NULL, NULL, NULL, NULL, NULL)`,
};

export type Statements = Record<keyof typeof SQL, Database.Statement>;

/**
 * Statements whose rows come back as arrays. better-sqlite3 builds an object row in C++, internalising every
 * column name on every call: for the 17-column object row that was ~40% of the read (4.1 µs against 2.3 µs
 * for an array turned into an object literal, 200,000 reads; and ~7% of a HeadObject's server CPU in a
 * `perf` profile of bench/http-inproc.ts, issue 10).
 */
const RAW = new Set<keyof typeof SQL>(['getObjectRaw', 'totalChanges', 'dataVersion']);

/** Prepares every statement once per store; hot paths never prepare per call. */
export function prepareStatements(db: SqliteDb): Statements {
  const out: Partial<Statements> = {};
  for (const [name, sql] of Object.entries(SQL)) {
    const statement = db.prepare(sql);
    out[name as keyof Statements] = RAW.has(name as keyof typeof SQL) ? statement.raw(true) : statement;
  }
  return out as Statements;
}

/** An object row read by a RAW statement (columns in OBJECT_COLUMNS order). */
export function objectRowFromArray(a: readonly unknown[]): ObjectRow {
  return {
    bucket: a[0] as string,
    key: a[1] as string,
    version_id: a[2] as string,
    size: a[3] as number,
    etag: a[4] as string,
    content_type: a[5] as string,
    last_modified: a[6] as number,
    storage_class: a[7] as string,
    acl: a[8] as string,
    user_meta: a[9] as string | null,
    http_headers: a[10] as string | null,
    tags: a[11] as string | null,
    restore_ready_at: a[12] as number | null,
    restore_expires_at: a[13] as number | null,
    restore_days: a[14] as number | null,
    restore_tier: a[15] as string | null,
    file: a[16] as string | null,
  };
}
