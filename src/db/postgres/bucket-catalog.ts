import type pg from 'pg';
import type { BucketCatalog, CatalogInventories } from '../../store/remote/bucket-catalog.js';
import type { StoredInventory } from '../../store/inventory-port.js';
import { toBucket, toInventory, type BucketRow, type InventoryRow } from '../bucket-catalog-rows.js';
import { inTransaction } from './pool.js';

/** Tables of PostgreSQL migration 004; `bucket-changed` is NOTIFYed by its trigger, not from here. */
const SQL = {
  get: 'SELECT * FROM bucket_catalog WHERE name = $1',
  list: 'SELECT * FROM bucket_catalog ORDER BY name',
  insert: `INSERT INTO bucket_catalog (name, owner, acl, storage_class, region, created_at, policy)
    VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (name) DO NOTHING`,
  setAcl: 'UPDATE bucket_catalog SET acl = $2 WHERE name = $1',
  setPolicy: 'UPDATE bucket_catalog SET policy = $2 WHERE name = $1',
  // Documents and inventories go by ON DELETE CASCADE.
  remove: 'DELETE FROM bucket_catalog WHERE name = $1',
  getDoc: 'SELECT value FROM bucket_documents WHERE bucket = $1 AND name = $2',
  setDoc: `INSERT INTO bucket_documents (bucket, name, value) SELECT name, $2, $3 FROM bucket_catalog
    WHERE name = $1 ON CONFLICT (bucket, name) DO UPDATE SET value = excluded.value`,
  deleteDoc: `WITH gone AS (DELETE FROM bucket_documents WHERE bucket = $1 AND name = $2)
    SELECT EXISTS (SELECT 1 FROM bucket_catalog WHERE name = $1) AS known`,
  // Creating an inventory locks its bucket row: two nodes creating at once are serialised per bucket, so the
  // count below cannot be read by both before either inserts (READ COMMITTED alone would allow max + 1).
  lockBucket: 'SELECT 1 FROM bucket_catalog WHERE name = $1 FOR UPDATE',
  invGet: 'SELECT * FROM bucket_inventories WHERE bucket = $1 AND id = $2',
  invCount: 'SELECT count(*) AS n FROM bucket_inventories WHERE bucket = $1',
  invInsert: 'INSERT INTO bucket_inventories (bucket, id, document, next_run_at) VALUES ($1, $2, $3, $4)',
  invList: 'SELECT * FROM bucket_inventories WHERE bucket = $1 AND id > $2 ORDER BY id LIMIT $3',
  invDelete: 'DELETE FROM bucket_inventories WHERE bucket = $1 AND id = $2',
  invDue:
    'SELECT * FROM bucket_inventories WHERE next_run_at <= $1 ORDER BY next_run_at, bucket, id LIMIT $2',
  invClaim:
    'UPDATE bucket_inventories SET next_run_at = $4 WHERE bucket = $1 AND id = $2 AND next_run_at = $3',
} as const;

/** 23503 foreign_key_violation: the bucket went away between the statement's read and its write. */
const isGoneBucket = (e: unknown): boolean => (e as { code?: string }).code === '23503';

function inventories(pool: pg.Pool): CatalogInventories {
  const rows = async (text: string, values: unknown[]): Promise<StoredInventory[]> =>
    (await pool.query<InventoryRow>(text, values)).rows.map(toInventory);
  return {
    create: (row, maxPerBucket) =>
      inTransaction(pool, async (c) => {
        if ((await c.query(SQL.lockBucket, [row.bucket])).rowCount === 0) return 'no-bucket';
        if ((await c.query(SQL.invGet, [row.bucket, row.id])).rowCount !== 0) return 'exists';
        const n = (await c.query<{ n: number }>(SQL.invCount, [row.bucket])).rows[0]?.n ?? 0;
        if (n >= maxPerBucket) return 'full';
        await c.query(SQL.invInsert, [row.bucket, row.id, row.document, row.nextRunAt]);
        return 'created';
      }),
    async get(bucket, id) {
      return (await rows(SQL.invGet, [bucket, id]))[0];
    },
    list: (bucket, after, limit) => rows(SQL.invList, [bucket, after ?? '', limit]),
    async delete(bucket, id) {
      return ((await pool.query(SQL.invDelete, [bucket, id])).rowCount ?? 0) > 0;
    },
    due: (now, limit) => rows(SQL.invDue, [now, limit]),
    async claim(bucket, id, expected, next) {
      return (await pool.query(SQL.invClaim, [bucket, id, expected, next])).rowCount === 1;
    },
  };
}

/**
 * The catalog on the cluster's PostgreSQL. No caching here (the port promises read-your-writes on every
 * node); the HTTP layer's BucketCache caches bucket rows and drops them on `bucket-changed`.
 */
export function createPgBucketCatalog(pool: pg.Pool): BucketCatalog {
  const changed = async (text: string, values: unknown[]): Promise<boolean> =>
    (await pool.query(text, values)).rowCount === 1;
  return {
    async get(name) {
      const r = await pool.query<BucketRow>({ name: 'buckets.get', text: SQL.get, values: [name] });
      const row = r.rows[0];
      return row === undefined ? undefined : toBucket(row);
    },
    async list() {
      return (await pool.query<BucketRow>(SQL.list)).rows.map(toBucket);
    },
    insert: (b) =>
      changed(SQL.insert, [b.name, b.owner, b.acl, b.storageClass, b.region, b.createdAt, b.policy]),
    setAcl: (name, acl) => changed(SQL.setAcl, [name, acl]),
    setPolicy: (name, policy) => changed(SQL.setPolicy, [name, policy]),
    async remove(name) {
      await pool.query(SQL.remove, [name]);
    },
    async getDocument(bucket, doc) {
      const r = await pool.query<{ value: string }>({
        name: 'buckets.getDoc',
        text: SQL.getDoc,
        values: [bucket, doc],
      });
      return r.rows[0]?.value;
    },
    async setDocument(bucket, doc, value) {
      if (value === null)
        return (await pool.query<{ known: boolean }>(SQL.deleteDoc, [bucket, doc])).rows[0]?.known === true;
      try {
        return await changed(SQL.setDoc, [bucket, doc, value]);
      } catch (e) {
        if (isGoneBucket(e)) return false;
        throw e;
      }
    },
    inventories: inventories(pool),
  };
}
