import type { BucketCatalog, CatalogBucket } from '../store/remote/bucket-catalog.js';
import type { BucketAcl, StorageClass } from '../store/types.js';
import type { Migration } from './migrations/index.js';
import type { SqliteDb } from './sqlite/open.js';

/**
 * Migration 011: the bucket catalog of a remote store (owner, ACL, policy: ossbatch's meaning on top of
 * buckets whose bytes live elsewhere). Separate from the built-in store's `store_buckets` so switching a
 * data directory between `--store builtin` and a remote store never mixes the two catalogs.
 */
export const BUCKET_CATALOG_MIGRATION: Migration = {
  id: 11,
  name: 'remote-bucket-catalog',
  sql: `
CREATE TABLE IF NOT EXISTS remote_buckets (
  name TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  acl TEXT NOT NULL,
  storage_class TEXT NOT NULL,
  region TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  policy TEXT
);
`,
};

interface Row {
  name: string;
  owner: string;
  acl: string;
  storage_class: string;
  region: string;
  created_at: number;
  policy: string | null;
}

const toBucket = (r: Row): CatalogBucket => ({
  name: r.name,
  owner: r.owner,
  acl: r.acl as BucketAcl,
  storageClass: r.storage_class as StorageClass,
  region: r.region,
  createdAt: r.created_at,
  policy: r.policy,
});

/** The catalog over the embedded SQLite database (async port over synchronous better-sqlite3). */
export function createSqliteBucketCatalog(db: SqliteDb): BucketCatalog {
  const get = db.prepare('SELECT * FROM remote_buckets WHERE name = ?');
  const list = db.prepare('SELECT * FROM remote_buckets ORDER BY name');
  const insert = db.prepare(
    `INSERT INTO remote_buckets (name, owner, acl, storage_class, region, created_at, policy)
     VALUES (@name, @owner, @acl, @storageClass, @region, @createdAt, @policy) ON CONFLICT (name) DO NOTHING`,
  );
  const setAcl = db.prepare('UPDATE remote_buckets SET acl = ? WHERE name = ?');
  const setPolicy = db.prepare('UPDATE remote_buckets SET policy = ? WHERE name = ?');
  const remove = db.prepare('DELETE FROM remote_buckets WHERE name = ?');
  const run = <T>(work: () => T): Promise<T> => {
    try {
      return Promise.resolve(work());
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  };
  return {
    get: (name) =>
      run(() => {
        const row = get.get(name) as Row | undefined;
        return row === undefined ? undefined : toBucket(row);
      }),
    list: () => run(() => (list.all() as Row[]).map(toBucket)),
    insert: (b) => run(() => insert.run({ ...b }).changes === 1),
    setAcl: (name, acl) => run(() => setAcl.run(acl, name).changes === 1),
    setPolicy: (name, policy) => run(() => setPolicy.run(policy, name).changes === 1),
    remove: (name) =>
      run(() => {
        remove.run(name);
      }),
  };
}
