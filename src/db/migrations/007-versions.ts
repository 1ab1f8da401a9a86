/**
 * Object versioning and bucket inventory configurations for the built-in store (issue 9).
 *
 * `store_inventories` holds each PutBucketInventory document (JSON, owned by src/inventory) with its next
 * scheduled run; a run is claimed by compare-and-set on `next_run_at`, so two nodes never run one twice.
 *
 *
 * Design: the CURRENT version of a key stays where it always was, in `store_objects`, so GET/HEAD/List and
 * the batch engine's 1000-row UPDATEs keep their single-table hot path and a bucket that never enabled
 * versioning pays nothing (no extra row, no extra query). `store_versions` holds what sits beside it:
 * noncurrent versions and delete markers. Invariant per key: `store_objects` has a row iff the newest
 * version is not a delete marker; everything older (and any newer delete marker) is in `store_versions`.
 *
 * - `seq` is the rowid: assigned when a version enters this table (when it stops being current, or when a
 *   delete marker is written), so within one key a larger seq is always a newer version. The current row
 *   is newer than all of them. Listing orders by (key, seq DESC), which the index delivers directly.
 * - `store_buckets.versioning` is NULL for a bucket that never had versioning (the unversioned fast path),
 *   else 'Enabled' or 'Suspended'; it rides on the bucket row every write already reads.
 */
export const VERSIONS_SCHEMA = `
ALTER TABLE store_buckets ADD COLUMN versioning TEXT;
CREATE TABLE IF NOT EXISTS store_versions (
  seq INTEGER PRIMARY KEY,
  bucket TEXT NOT NULL,
  key TEXT NOT NULL COLLATE BINARY,
  version_id TEXT NOT NULL,
  delete_marker INTEGER NOT NULL,
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
  file TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS store_versions_id ON store_versions(bucket, key, version_id);
CREATE INDEX IF NOT EXISTS store_versions_order ON store_versions(bucket, key, seq DESC);
CREATE INDEX IF NOT EXISTS store_versions_file ON store_versions(file) WHERE file IS NOT NULL;
CREATE TABLE IF NOT EXISTS store_inventories (
  bucket TEXT NOT NULL,
  id TEXT NOT NULL,
  document TEXT NOT NULL,
  next_run_at INTEGER NOT NULL,
  PRIMARY KEY (bucket, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS store_inventories_due ON store_inventories(next_run_at);
`;
