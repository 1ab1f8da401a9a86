/**
 * Migration 012: the bucket configuration ossbatch serves itself over a remote store (issue 8), beside the
 * remote bucket catalog of 011 and, like it, apart from the built-in store's tables:
 * - remote_bucket_documents: one text document per (bucket, name), name 'tags' or 'cors' (JSON).
 * - remote_bucket_inventories: inventory configurations (the document src/inventory owns) and the next
 *   scheduled run, ms since the epoch; due runs are found by next_run_at.
 * Both go with their bucket (ON DELETE CASCADE; openSqlite turns foreign_keys on).
 */
export const REMOTE_BUCKET_CONFIG_SCHEMA = `
CREATE TABLE remote_bucket_documents (
  bucket TEXT NOT NULL REFERENCES remote_buckets (name) ON DELETE CASCADE,
  name   TEXT NOT NULL,
  value  TEXT NOT NULL,
  PRIMARY KEY (bucket, name)
);
CREATE TABLE remote_bucket_inventories (
  bucket      TEXT    NOT NULL REFERENCES remote_buckets (name) ON DELETE CASCADE,
  id          TEXT    NOT NULL,
  document    TEXT    NOT NULL,
  next_run_at INTEGER NOT NULL,
  PRIMARY KEY (bucket, id)
);
CREATE INDEX remote_bucket_inventories_due ON remote_bucket_inventories (next_run_at);
`;
