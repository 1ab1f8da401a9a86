import type { SqliteDb } from '../../db/sqlite/open.js';
import type { WalCheckpointer } from '../../db/sqlite/wal-checkpointer.js';
import type { Clock } from '../../protocol/clock.js';
import { randomHex } from '../../protocol/ids.js';
import type { ChangeResult, ObjectChange, SeedObject } from '../object-store.js';
import type { StorageClass } from '../types.js';
import { busyResult, isSqliteBusy, toChangeResult } from './change-applier.js';
import type { ChangeApplier } from './change-applier.js';
import { EMPTY_MD5 } from './object-input.js';
import type { Statements } from './statements.js';
import { encodeTags, validateTags } from './tags.js';

/** Rows per seeding transaction: large enough to amortise the commit, small enough to not hold the writer long. */
const SEED_TXN_ROWS = 10_000;

/** The batch engine's paths: many metadata changes per transaction, and bulk seeding. */
export class BulkOps {
  constructor(
    private readonly db: SqliteDb,
    private readonly st: Statements,
    private readonly clock: Clock,
    private readonly applier: ChangeApplier,
    /** Told after each committed batch: it may checkpoint the WAL off the event loop. */
    private readonly checkpointer?: Pick<WalCheckpointer, 'afterBulkWrite'>,
  ) {}

  /**
   * Applies all changes in ONE transaction in key order — key order keeps the B-tree pages of one
   * transaction together (ARCHITECTURE.md §4: ~380k rows/s sorted vs ~32k/s scattered) — and answers
   * in input order. A busy database fails every change as retryable; other database errors throw.
   */
  applyBatch(changes: readonly ObjectChange[]): ChangeResult[] {
    const order = changes.map((_, i) => i);
    order.sort((a, b) => {
      const x = changes[a] as ObjectChange;
      const y = changes[b] as ObjectChange;
      if (x.bucket !== y.bucket) return x.bucket < y.bucket ? -1 : 1;
      return x.key < y.key ? -1 : x.key > y.key ? 1 : 0;
    });
    const results = new Array<ChangeResult>(changes.length);
    const now = this.clock.now();
    const run = this.db.transaction(() => {
      for (const i of order) results[i] = toChangeResult(this.applier.apply(changes[i] as ObjectChange, now));
    });
    try {
      run.immediate();
    } catch (e) {
      if (!isSqliteBusy(e)) throw e;
      return changes.map(() => busyResult());
    }
    this.checkpointer?.afterBulkWrite();
    return results;
  }

  /** Metadata-only objects (empty bodies), replacing same-named ones, one transaction per 10k rows. */
  seed(bucket: string, defaultClass: StorageClass, objects: readonly SeedObject[]): void {
    const now = this.clock.now();
    const insert = this.db.transaction((from: number, to: number) => {
      // One random draw per transaction instead of one per row: seeding 1M objects is a benchmark step.
      const ids = randomHex(16 * (to - from));
      for (let i = from; i < to; i += 1) {
        const o = objects[i] as SeedObject;
        if (o.tags) validateTags(o.tags);
        const tags = o.tags ? encodeTags(o.tags) : null;
        const storageClass = o.storageClass ?? defaultClass;
        const versionId = ids.slice((i - from) * 32, (i - from + 1) * 32);
        this.st.seedObject.run(bucket, o.key, versionId, o.size ?? 0, EMPTY_MD5, now, storageClass, tags);
      }
    });
    for (let from = 0; from < objects.length; from += SEED_TXN_ROWS) {
      insert.immediate(from, Math.min(objects.length, from + SEED_TXN_ROWS));
    }
  }
}
