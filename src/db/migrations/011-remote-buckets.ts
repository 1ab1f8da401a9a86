/**
 * Migration 011: the bucket catalog of a remote store (owner, ACL, policy: ossbatch's meaning on top of
 * buckets whose bytes live elsewhere). Separate from the built-in store's `store_buckets` so switching a
 * data directory between `--store builtin` and a remote store never mixes the two catalogs.
 * (Landed in src/db/sqlite-bucket-catalog.ts; moved here unchanged.)
 */
export const REMOTE_BUCKETS_SCHEMA = `
CREATE TABLE IF NOT EXISTS remote_buckets (
  name TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  acl TEXT NOT NULL,
  storage_class TEXT NOT NULL,
  region TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  policy TEXT
);
`;
