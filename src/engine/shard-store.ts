/**
 * Report shards: the per-task report rows of one chunk, written by the attempt that runs it. Adapters:
 * db/sqlite/shard-store.ts (files in the data dir) and db/postgres/ (rows in the database, so every node
 * can read them). A shard is named by (jobId, chunkIndex, attempt): a stale attempt (its lease taken over)
 * can only ever write into its own shard, which no committed chunk row points at, so it cannot corrupt the
 * report. The chunk row (ChunkRepo) records which attempt's shard is committed and how many bytes of it.
 */
export interface ShardRef {
  readonly jobId: string;
  readonly chunkIndex: number;
  readonly attempt: number;
}

/** The committed prefix a new attempt starts from: `bytes` of attempt `attempt`'s shard (0/0: empty). */
export interface ShardSeed {
  readonly attempt: number;
  readonly bytes: number;
}

export interface ShardWriter {
  /** Bytes in the shard (seed + appended). Only the prefix later committed through ChunkRepo counts. */
  readonly size: number;
  /**
   * Appends rows as UTF-8 bytes (the engine's, report-bytes.ts). The bytes are lent: the caller reuses the
   * buffer once append returns, so a writer that keeps them until flush copies them.
   */
  append(rows: Buffer): void;
  /**
   * Makes every appended byte durable and readable by readCommitted on any node. Called before the chunk
   * commit that records `size` as shardBytes: storage first, then the row that makes it count.
   */
  flush(): Promise<void>;
  /** Releases resources; unflushed bytes may be lost (they were never committed). */
  close(): Promise<void>;
}

export interface ShardStore {
  /**
   * Opens the shard of `ref` for writing, first truncating it and seeding it with the committed prefix
   * of `seed` (the previous committed attempt, possibly ref.attempt itself): after open, `size` equals
   * seed.bytes and the content equals those bytes. Rows beyond a seed were never counted and are dropped
   * (their tasks are redone), which is what makes every task appear in the report exactly once.
   */
  openWriter(ref: ShardRef, seed: ShardSeed): Promise<ShardWriter>;
  /** The first `bytes` bytes of the shard of `ref`, in order, in pieces (nothing when bytes is 0 or it is gone). */
  readCommitted(ref: ShardRef, bytes: number): AsyncIterable<Buffer>;
  /** Deletes every shard of the job (all chunks, all attempts). Idempotent. */
  deleteJob(jobId: string): Promise<void>;
  /** Job ids that have at least one shard stored (start-up cleanup of jobs that are terminal or gone). */
  listJobs(): Promise<string[]>;
}
