import type Database from 'better-sqlite3';
import type { SqliteDb } from '../../db/sqlite/open.js';
import { OssError } from '../../protocol/oss-error.js';
import type { InventoryConfigStore, StoredInventory } from '../inventory-port.js';
import { settle } from './object-input.js';

const SQL = {
  insert: 'INSERT INTO store_inventories (bucket, id, document, next_run_at) VALUES (?, ?, ?, ?)',
  get: 'SELECT bucket, id, document, next_run_at FROM store_inventories WHERE bucket = ? AND id = ?',
  count: 'SELECT count(*) AS n FROM store_inventories WHERE bucket = ?',
  list: 'SELECT bucket, id, document, next_run_at FROM store_inventories WHERE bucket = ? AND id > ? ORDER BY id LIMIT ?',
  delete: 'DELETE FROM store_inventories WHERE bucket = ? AND id = ?',
  deleteBucket: 'DELETE FROM store_inventories WHERE bucket = ?',
  due: 'SELECT bucket, id, document, next_run_at FROM store_inventories WHERE next_run_at <= ? ORDER BY next_run_at LIMIT ?',
  claim: 'UPDATE store_inventories SET next_run_at = ? WHERE bucket = ? AND id = ? AND next_run_at = ?',
};

interface Row {
  bucket: string;
  id: string;
  document: string;
  next_run_at: number;
}

const toStored = (r: Row): StoredInventory => ({
  bucket: r.bucket,
  id: r.id,
  document: r.document,
  nextRunAt: r.next_run_at,
});

/** store_inventories (migration 007): synchronous, called inside `settle`. */
export class InventoryRows {
  private readonly st: Record<keyof typeof SQL, Database.Statement>;

  constructor(private readonly db: SqliteDb) {
    const out: Partial<Record<keyof typeof SQL, Database.Statement>> = {};
    for (const [name, sql] of Object.entries(SQL)) out[name as keyof typeof SQL] = db.prepare(sql);
    this.st = out as Record<keyof typeof SQL, Database.Statement>;
  }

  create(row: StoredInventory, maxPerBucket: number): void {
    this.db
      .transaction(() => {
        if (this.st.get.get(row.bucket, row.id) !== undefined)
          throw new OssError('InventoryAlreadyExist', undefined, { details: { InventoryId: row.id } });
        const { n } = this.st.count.get(row.bucket) as { n: number };
        if (n >= maxPerBucket)
          throw new OssError(
            'InvalidArgument',
            `A bucket can have at most ${maxPerBucket} inventory configurations.`,
          );
        this.st.insert.run(row.bucket, row.id, row.document, row.nextRunAt);
      })
      .immediate();
  }

  get(bucket: string, id: string): StoredInventory | undefined {
    const r = this.st.get.get(bucket, id) as Row | undefined;
    return r ? toStored(r) : undefined;
  }

  list(bucket: string, after: string | undefined, limit: number): StoredInventory[] {
    return (this.st.list.all(bucket, after ?? '', limit) as Row[]).map(toStored);
  }

  delete(bucket: string, id: string): boolean {
    return this.st.delete.run(bucket, id).changes > 0;
  }

  deleteBucket(bucket: string): void {
    this.st.deleteBucket.run(bucket);
  }

  due(now: number, limit: number): StoredInventory[] {
    return (this.st.due.all(now, limit) as Row[]).map(toStored);
  }

  claim(bucket: string, id: string, expected: number, next: number): boolean {
    return this.st.claim.run(next, bucket, id, expected).changes > 0;
  }
}

/** The port's inventory methods over InventoryRows; BuiltinStore extends it (keeps that file one concept). */
export class InventoryConfigs implements InventoryConfigStore {
  protected readonly inventories: InventoryRows;

  constructor(db: SqliteDb) {
    this.inventories = new InventoryRows(db);
  }

  createInventory(row: StoredInventory, maxPerBucket: number): Promise<void> {
    return settle(() => this.inventories.create(row, maxPerBucket));
  }
  getInventory(bucket: string, id: string): Promise<StoredInventory | undefined> {
    return settle(() => this.inventories.get(bucket, id));
  }
  listInventories(bucket: string, after: string | undefined, limit: number): Promise<StoredInventory[]> {
    return settle(() => this.inventories.list(bucket, after, limit));
  }
  deleteInventory(bucket: string, id: string): Promise<boolean> {
    return settle(() => this.inventories.delete(bucket, id));
  }
  dueInventories(now: number, limit: number): Promise<StoredInventory[]> {
    return settle(() => this.inventories.due(now, limit));
  }
  claimInventoryRun(bucket: string, id: string, expected: number, next: number): Promise<boolean> {
    return settle(() => this.inventories.claim(bucket, id, expected, next));
  }
}
