/**
 * Built-in object store metadata (bytes live in files under `<dataDir>/objects/`).
 *
 * - `objects` is WITHOUT ROWID with PRIMARY KEY (bucket, key): the table itself is the B-tree in key
 *   order, so the batch engine's key-sorted 1000-row transactions touch neighbouring pages
 *   (ARCHITECTURE.md §4: ~380k rows/s key-sorted vs ~32k/s scattered) and listing is a range scan.
 * - `key` is TEXT with BINARY collation: SQLite compares UTF-8 bytes with memcmp, i.e. the byte order
 *   OSS lists in.
 * - tags are one compact JSON text column (`[["k","v"],…]`, NULL when none) so a tagging change is a
 *   single-row UPDATE, not a delete+insert into a side table.
 * - `file` is the random relative file name, NULL for empty bodies and seeded objects; the partial index
 *   lets start-up orphan cleanup ask "is this file referenced?" without scanning every row.
 */
export const STORE_SCHEMA = `
CREATE TABLE IF NOT EXISTS store_buckets (
  name TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  acl TEXT NOT NULL,
  storage_class TEXT NOT NULL,
  region TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  policy TEXT
);
CREATE INDEX IF NOT EXISTS store_buckets_owner ON store_buckets(owner, name);
CREATE TABLE IF NOT EXISTS store_objects (
  bucket TEXT NOT NULL,
  key TEXT NOT NULL COLLATE BINARY,
  version_id TEXT NOT NULL,
  size INTEGER NOT NULL,
  etag TEXT NOT NULL,
  content_type TEXT NOT NULL,
  last_modified INTEGER NOT NULL,
  storage_class TEXT NOT NULL,
  acl TEXT NOT NULL,
  user_meta TEXT,
  http_headers TEXT,
  tags TEXT,
  restore_ready_at INTEGER,
  restore_expires_at INTEGER,
  restore_days INTEGER,
  restore_tier TEXT,
  file TEXT,
  PRIMARY KEY (bucket, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS store_objects_file ON store_objects(file) WHERE file IS NOT NULL;
`;
