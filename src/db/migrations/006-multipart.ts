/**
 * Multipart uploads and per-bucket configuration documents (issue 9).
 *
 * - `store_uploads`: one row per initiated upload, carrying the object metadata given at Initiate (OSS
 *   applies it at Complete). The (bucket, key, upload_id) index is ListMultipartUploads' order: key, then
 *   upload id (ids are time-ordered, so uploads of one key list oldest first, as OSS lists them).
 * - `store_parts`: one row per uploaded part, WITHOUT ROWID keyed by (upload_id, part_number) so ListParts
 *   and Complete read one contiguous range. `file` is the fsynced part file under objects/ (NULL for an
 *   empty part); the partial index lets start-up orphan cleanup ask whether a part references a file.
 * - `store_bucket_config`: small per-bucket documents (tags, CORS rules) as JSON text, one row per
 *   (bucket, name); a bucket's rows go with the bucket.
 */
export const MULTIPART_SCHEMA = `
CREATE TABLE IF NOT EXISTS store_uploads (
  upload_id TEXT PRIMARY KEY,
  bucket TEXT NOT NULL,
  key TEXT NOT NULL COLLATE BINARY,
  initiated INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  storage_class TEXT NOT NULL,
  acl TEXT NOT NULL,
  user_meta TEXT,
  http_headers TEXT,
  tags TEXT
);
CREATE INDEX IF NOT EXISTS store_uploads_key ON store_uploads(bucket, key, upload_id);
CREATE TABLE IF NOT EXISTS store_parts (
  upload_id TEXT NOT NULL,
  part_number INTEGER NOT NULL,
  size INTEGER NOT NULL,
  etag TEXT NOT NULL,
  last_modified INTEGER NOT NULL,
  file TEXT,
  PRIMARY KEY (upload_id, part_number)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS store_parts_file ON store_parts(file) WHERE file IS NOT NULL;
CREATE TABLE IF NOT EXISTS store_bucket_config (
  bucket TEXT NOT NULL,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (bucket, name)
) WITHOUT ROWID;
`;
