import type pg from 'pg';
import type { ShardRef, ShardStore, ShardWriter } from '../../engine/shard-store.js';
import { inTransaction } from './pool.js';

/**
 * readCommitted reads pieces in slices of READ_SLICE bytes, READ_PAGE slices per round trip. pg returns bytea
 * as hex text, so a whole piece (one flush: up to a chunk's worth of rows, hundreds of KB) arrived as a string
 * twice its size, which V8 puts in large-object space and only a Mark-Compact frees; a 60 KiB slice's
 * 120 KiB string stays under V8's 128 KiB regular-object limit and dies in a scavenge. `npm run bench --
 * --db postgres://…`, alternating: peak RSS 173, 174 MB against 197, 202 whole pieces (heap 59-60 against
 * 76-83 MB, external 4-11 against 41-42), the report phase 636, 573 ms against 1058, 859.
 */
const READ_SLICE = 60 * 1024;
const READ_PAGE = 64;

/**
 * Report shards as rows, so every node reads every shard (ARCHITECTURE.md §8). A shard (job, chunk,
 * attempt) is its pieces in seq order, piece k starting at byte start_byte; a flush INSERTs one piece
 * (storage first; the chunk commit that counts those bytes comes after).
 * openWriter with nothing committed drops the target shard's pieces (one statement); otherwise, in one
 * transaction, it drops them past the seed (all of them when seeding from another attempt), then copies the
 * seed attempt's committed prefix, cutting the piece that straddles it.
 */
const SQL = {
  dropAll: 'DELETE FROM shard_pieces WHERE job_id = $1 AND chunk_index = $2 AND attempt = $3',
  dropPast:
    'DELETE FROM shard_pieces WHERE job_id = $1 AND chunk_index = $2 AND attempt = $3 AND start_byte >= $4',
  cutOwn: `UPDATE shard_pieces SET bytes = substring(bytes FROM 1 FOR ($4 - start_byte)::int)
    WHERE job_id = $1 AND chunk_index = $2 AND attempt = $3 AND start_byte < $4
      AND start_byte + length(bytes) > $4`,
  copyPrefix: `INSERT INTO shard_pieces (job_id, chunk_index, attempt, seq, start_byte, bytes)
    SELECT job_id, chunk_index, $4, seq, start_byte,
      CASE WHEN start_byte + length(bytes) > $5 THEN substring(bytes FROM 1 FOR ($5 - start_byte)::int) ELSE bytes END
    FROM shard_pieces WHERE job_id = $1 AND chunk_index = $2 AND attempt = $3 AND start_byte < $5`,
  extent: `SELECT COALESCE(max(seq), -1) AS seq, COALESCE(sum(length(bytes)), 0) AS bytes
    FROM shard_pieces WHERE job_id = $1 AND chunk_index = $2 AND attempt = $3`,
  append: `INSERT INTO shard_pieces (job_id, chunk_index, attempt, seq, start_byte, bytes)
    VALUES ($1, $2, $3, $4, $5, $6)`,
  read: `SELECT seq, off, substring(bytes FROM off + 1 FOR ${READ_SLICE}) AS bytes FROM (
      SELECT seq, bytes, generate_series(0, length(bytes) - 1, ${READ_SLICE}) AS off FROM shard_pieces
      WHERE job_id = $1 AND chunk_index = $2 AND attempt = $3 AND start_byte < $4 AND seq >= $5) s
    WHERE (seq, off) > ($5, $6)
    ORDER BY seq, off LIMIT ${READ_PAGE}`,
  deleteJob: 'DELETE FROM shard_pieces WHERE job_id = $1',
  jobs: 'SELECT DISTINCT job_id FROM shard_pieces',
} as const;

const key = (ref: ShardRef): [string, number, number] => [ref.jobId, ref.chunkIndex, ref.attempt];

export function createPgShardStore(pool: pg.Pool): ShardStore {
  return {
    async openWriter(ref, seed) {
      // Nothing committed (every chunk's first attempt): the shard starts empty, so one DELETE of whatever
      // the attempt had is the whole opening (dropPast from byte 0 and dropAll remove the same rows), and the
      // extent is known without reading it. One round trip instead of four (BEGIN, DELETE, SELECT, COMMIT):
      // each waits ~1.3 ms for the other worker's batch while a job runs (p50, bench/pg-queries-preload.mjs).
      if (seed.bytes === 0) {
        await pool.query({ name: 'shards.dropAll', text: SQL.dropAll, values: key(ref) });
        return new PgShardWriter(pool, ref, 0, 0);
      }
      const extent = await inTransaction(pool, async (c) => {
        if (seed.attempt === ref.attempt) {
          await c.query(SQL.dropPast, [...key(ref), seed.bytes]);
          await c.query(SQL.cutOwn, [...key(ref), seed.bytes]);
        } else {
          await c.query(SQL.dropAll, key(ref));
          await c.query(SQL.copyPrefix, [ref.jobId, ref.chunkIndex, seed.attempt, ref.attempt, seed.bytes]);
        }
        return (await c.query<{ seq: number; bytes: number }>(SQL.extent, key(ref))).rows[0];
      });
      const size = extent?.bytes ?? 0;
      // The chunk row says `seed.bytes` were committed; fewer stored means the prefix is gone, and redoing
      // the chunk from its cursor would leave tasks out of the report: refuse rather than report wrongly.
      if (size !== seed.bytes)
        throw new Error(
          `report shard ${ref.jobId}/${ref.chunkIndex}: attempt ${seed.attempt} holds ${size} of its ${seed.bytes} committed bytes`,
        );
      return new PgShardWriter(pool, ref, (extent?.seq ?? -1) + 1, size);
    },
    async *readCommitted(ref, bytes) {
      let remaining = bytes;
      let lastSeq = -1;
      let lastOff = -1;
      while (remaining > 0) {
        const { rows } = await pool.query<{ seq: number; off: number; bytes: Buffer }>({
          name: 'shards.read',
          text: SQL.read,
          values: [...key(ref), bytes, lastSeq, lastOff],
        });
        if (rows.length === 0) return;
        for (const r of rows) {
          const piece = r.bytes.length > remaining ? r.bytes.subarray(0, remaining) : r.bytes;
          remaining -= piece.length;
          lastSeq = r.seq;
          lastOff = r.off;
          if (piece.length > 0) yield piece;
          if (remaining <= 0) return;
        }
      }
    },
    async deleteJob(jobId) {
      await pool.query(SQL.deleteJob, [jobId]);
    },
    async listJobs() {
      return (await pool.query<{ job_id: string }>(SQL.jobs)).rows.map((r) => r.job_id);
    },
  };
}

/**
 * Appended bytes wait in one buffer per writer, reused across flushes: a flush sends a view of it, and the
 * next append comes only after the flush settled (the chunk worker awaits it). Before, every batch's bytes
 * (~50 KB per 500 tasks) were kept as their own Buffer until the flush concatenated them into another.
 */
class PgShardWriter implements ShardWriter {
  private pending = Buffer.allocUnsafe(64 * 1024);
  private pendingBytes = 0;
  private flushedBytes: number;

  constructor(
    private readonly pool: pg.Pool,
    private readonly ref: ShardRef,
    private nextSeq: number,
    size: number,
  ) {
    this.flushedBytes = size;
  }

  get size(): number {
    return this.flushedBytes + this.pendingBytes;
  }

  append(rows: Buffer): void {
    const end = this.pendingBytes + rows.length;
    if (end > this.pending.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.pending.length * 2, end));
      this.pending.copy(bigger, 0, 0, this.pendingBytes);
      this.pending = bigger;
    }
    rows.copy(this.pending, this.pendingBytes);
    this.pendingBytes = end;
  }

  async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const bytes = this.pending.subarray(0, this.pendingBytes);
    await this.pool.query({
      name: 'shards.append',
      text: SQL.append,
      values: [...key(this.ref), this.nextSeq, this.flushedBytes, bytes],
    });
    this.nextSeq += 1;
    this.flushedBytes += bytes.length;
    this.pendingBytes = 0;
  }

  close(): Promise<void> {
    this.pending = Buffer.alloc(0);
    this.pendingBytes = 0;
    return Promise.resolve();
  }
}
