import type Database from 'better-sqlite3';
import type {
  BucketCatalog,
  BucketDocument,
  CatalogBucket,
  CatalogInventories,
  InventoryCreated,
} from '../../store/remote/bucket-catalog.js';
import type { StoredInventory } from '../../store/inventory-port.js';
import type { BucketAcl } from '../../store/types.js';
import { toBucket, toInventory, type BucketRow, type InventoryRow } from '../bucket-catalog-rows.js';
import { asyncFacade, type Syncified } from './async-facade.js';
import type { SqliteDb } from './open.js';

/** Tables of migrations 011 and 012; TEXT compares as bytes (BINARY), so `list` is in byte order. */
const SQL = {
  get: 'SELECT * FROM remote_buckets WHERE name = ?',
  list: 'SELECT * FROM remote_buckets ORDER BY name',
  insert: `INSERT INTO remote_buckets (name, owner, acl, storage_class, region, created_at, policy)
     VALUES (@name, @owner, @acl, @storageClass, @region, @createdAt, @policy) ON CONFLICT (name) DO NOTHING`,
  setAcl: 'UPDATE remote_buckets SET acl = ? WHERE name = ?',
  setPolicy: 'UPDATE remote_buckets SET policy = ? WHERE name = ?',
  // Documents and inventories go by ON DELETE CASCADE (migration 012).
  remove: 'DELETE FROM remote_buckets WHERE name = ?',
  getDoc: 'SELECT value FROM remote_bucket_documents WHERE bucket = ? AND name = ?',
  setDoc: `INSERT INTO remote_bucket_documents (bucket, name, value) SELECT name, ?, ? FROM remote_buckets
     WHERE name = ? ON CONFLICT (bucket, name) DO UPDATE SET value = excluded.value`,
  deleteDoc: 'DELETE FROM remote_bucket_documents WHERE bucket = ? AND name = ?',
  invGet: 'SELECT * FROM remote_bucket_inventories WHERE bucket = ? AND id = ?',
  invCount: 'SELECT count(*) AS n FROM remote_bucket_inventories WHERE bucket = ?',
  invInsert: 'INSERT INTO remote_bucket_inventories (bucket, id, document, next_run_at) VALUES (?, ?, ?, ?)',
  invList: 'SELECT * FROM remote_bucket_inventories WHERE bucket = ? AND id > ? ORDER BY id LIMIT ?',
  invDelete: 'DELETE FROM remote_bucket_inventories WHERE bucket = ? AND id = ?',
  invDue:
    'SELECT * FROM remote_bucket_inventories WHERE next_run_at <= ? ORDER BY next_run_at, bucket, id LIMIT ?',
  invClaim:
    'UPDATE remote_bucket_inventories SET next_run_at = ? WHERE bucket = ? AND id = ? AND next_run_at = ?',
} as const;

type Statements = Record<keyof typeof SQL, Database.Statement>;

class SqliteInventories implements Syncified<CatalogInventories> {
  constructor(
    private readonly db: SqliteDb,
    private readonly st: Statements,
  ) {}

  create(row: StoredInventory, maxPerBucket: number): InventoryCreated {
    // IMMEDIATE: the count and the insert see no other writer in between (the `ossbatch` CLI shares the file).
    return this.db
      .transaction((): InventoryCreated => {
        if (this.st.get.get(row.bucket) === undefined) return 'no-bucket';
        if (this.st.invGet.get(row.bucket, row.id) !== undefined) return 'exists';
        if ((this.st.invCount.get(row.bucket) as { n: number }).n >= maxPerBucket) return 'full';
        this.st.invInsert.run(row.bucket, row.id, row.document, row.nextRunAt);
        return 'created';
      })
      .immediate();
  }
  get(bucket: string, id: string): StoredInventory | undefined {
    const r = this.st.invGet.get(bucket, id) as InventoryRow | undefined;
    return r === undefined ? undefined : toInventory(r);
  }
  list(bucket: string, after: string | undefined, limit: number): StoredInventory[] {
    return (this.st.invList.all(bucket, after ?? '', limit) as InventoryRow[]).map(toInventory);
  }
  delete(bucket: string, id: string): boolean {
    return this.st.invDelete.run(bucket, id).changes > 0;
  }
  due(now: number, limit: number): StoredInventory[] {
    return (this.st.invDue.all(now, limit) as InventoryRow[]).map(toInventory);
  }
  claim(bucket: string, id: string, expected: number, next: number): boolean {
    return this.st.invClaim.run(next, bucket, id, expected).changes === 1;
  }
}

class SqliteBucketCatalog implements Syncified<BucketCatalog> {
  readonly inventories: CatalogInventories;

  constructor(
    private readonly st: Statements,
    inventories: SqliteInventories,
    /** Runs after every committed change of a bucket row (the Backend publishes `bucket-changed`). */
    private readonly changed: (bucket: string) => void,
  ) {
    this.inventories = asyncFacade<CatalogInventories>(inventories);
  }

  get(name: string): CatalogBucket | undefined {
    const row = this.st.get.get(name) as BucketRow | undefined;
    return row === undefined ? undefined : toBucket(row);
  }
  list(): CatalogBucket[] {
    return (this.st.list.all() as BucketRow[]).map(toBucket);
  }
  insert(b: CatalogBucket): boolean {
    const done = this.st.insert.run({ ...b }).changes === 1;
    if (done) this.changed(b.name);
    return done;
  }
  setAcl(name: string, acl: BucketAcl): boolean {
    return this.after(name, this.st.setAcl.run(acl, name).changes === 1);
  }
  setPolicy(name: string, policy: string | null): boolean {
    return this.after(name, this.st.setPolicy.run(policy, name).changes === 1);
  }
  remove(name: string): void {
    this.after(name, this.st.remove.run(name).changes === 1);
  }
  getDocument(bucket: string, doc: BucketDocument): string | undefined {
    return (this.st.getDoc.get(bucket, doc) as { value: string } | undefined)?.value;
  }
  setDocument(bucket: string, doc: BucketDocument, value: string | null): boolean {
    if (value !== null) return this.st.setDoc.run(doc, value, bucket).changes === 1;
    this.st.deleteDoc.run(bucket, doc);
    return this.st.get.get(bucket) !== undefined;
  }

  private after(name: string, changed: boolean): boolean {
    if (changed) this.changed(name);
    return changed;
  }
}

/**
 * The catalog over the embedded SQLite database (async port over synchronous better-sqlite3). `changed` runs
 * after each committed bucket-row change; the Backend turns it into a `bucket-changed` notification.
 */
export function createSqliteBucketCatalog(
  db: SqliteDb,
  changed: (bucket: string) => void = () => undefined,
): BucketCatalog {
  const st: Partial<Statements> = {};
  for (const [name, sql] of Object.entries(SQL)) st[name as keyof typeof SQL] = db.prepare(sql);
  const all = st as Statements;
  return asyncFacade<BucketCatalog>(new SqliteBucketCatalog(all, new SqliteInventories(db, all), changed));
}
