import type pg from 'pg';
import type { ChunkRepo, ChunkShard, CommitResult } from '../../engine/chunk-repo.js';
import { inTransaction } from './pool.js';
import { toChunkRow, type RawChunk } from '../chunk-row.js';
import type { JobStatus } from '../../jobs/model.js';

const RETURNING = `c.job_id, c.chunk_index, c.first_task, c.task_count, c.source, c.attempt, c.cursor, c.succeeded,
  c.failed, c.shard_bytes, c.shard_attempt`;

/**
 * Every chunk statement (house style: visible, in one place).
 *
 * claim: one statement. The inner SELECT picks claimable chunks of Active jobs ordered by the job's priority
 * as it is now (so UpdateJobPriority between two claims reorders) and locks them FOR UPDATE SKIP LOCKED, so
 * concurrent claimers on any node skip each other's rows instead of waiting or double-leasing; the UPDATE
 * bumps `attempt` (the fencing number every commit must present). Only the chunk rows are locked (OF c2):
 * locking the job row would serialise every claimer of one job. An expired lease is only taken over from
 * ANOTHER owner (see the SQLite adapter for why). RETURNING carries the job's priority and creation time so
 * the rows can be handed back in claim order (UPDATE … RETURNING has no order of its own).
 *
 * commit: one statement, so the fence and the job counters are one atomic unit: the chunk UPDATE only
 * matches the row while it still has the caller's attempt and is leased; the job UPDATE runs only when it
 * did (EXISTS (SELECT 1 FROM ch)). n = 0 means the lease was lost and nothing was written.
 */
const SQL = {
  del: 'DELETE FROM chunks WHERE job_id = $1',
  insert: `INSERT INTO chunks (job_id, chunk_index, first_task, task_count, source)
    SELECT $1, * FROM unnest($2::int[], $3::bigint[], $4::int[], $5::text[])`,
  claim: `UPDATE chunks c SET state = 'leased', lease_owner = $1, lease_expires_at = $2, attempt = c.attempt + 1
    FROM (
      SELECT c2.job_id, c2.chunk_index, j.priority, j.created_at
      FROM chunks c2 JOIN jobs j ON j.job_id = c2.job_id
      WHERE j.status = 'Active'
        AND (c2.state = 'pending'
             OR (c2.state = 'leased' AND c2.lease_expires_at < $3 AND c2.lease_owner IS DISTINCT FROM $1))
      ORDER BY j.priority DESC, j.created_at, j.job_id, c2.chunk_index
      LIMIT $4
      FOR UPDATE OF c2 SKIP LOCKED) pick
    WHERE (c.job_id, c.chunk_index) = (pick.job_id, pick.chunk_index)
    RETURNING ${RETURNING}, pick.priority, pick.created_at`,
  releaseAll: "UPDATE chunks SET lease_expires_at = 0 WHERE state = 'leased'",
  commit: `WITH ch AS (
      UPDATE chunks SET cursor = $1, succeeded = $2, failed = $3, shard_bytes = $4, shard_attempt = $5,
        state = CASE $6::text WHEN 'done' THEN 'done' WHEN 'release' THEN 'pending' ELSE 'leased' END,
        lease_owner = CASE $6::text WHEN 'keep' THEN lease_owner ELSE NULL END,
        lease_expires_at = CASE $6::text WHEN 'keep' THEN $7::bigint ELSE NULL END
      WHERE job_id = $8 AND chunk_index = $9 AND attempt = $10 AND state = 'leased'
      RETURNING job_id),
    j AS (
      UPDATE jobs SET succeeded_tasks = succeeded_tasks + $11, failed_tasks = failed_tasks + $12,
        version = version + CASE WHEN $11::bigint + $12::bigint > 0 THEN 1 ELSE 0 END
      WHERE job_id = $8 AND EXISTS (SELECT 1 FROM ch)
      RETURNING succeeded_tasks, failed_tasks, total_tasks)
    SELECT (SELECT count(*) FROM ch) AS n, j.succeeded_tasks, j.failed_tasks, j.total_tasks
    FROM (SELECT 1) one LEFT JOIN j ON true`,
  open: "SELECT count(*) AS n FROM chunks WHERE job_id = $1 AND state <> 'done'",
  nothingOpen: `SELECT j.job_id AS "jobId", j.status FROM jobs j
    WHERE j.status = ANY($1::text[])
      AND NOT EXISTS (SELECT 1 FROM chunks c WHERE c.job_id = j.job_id AND c.state <> 'done')`,
  live: "SELECT count(*) AS n FROM chunks WHERE job_id = $1 AND state = 'leased' AND lease_expires_at >= $2",
  unfinished: `SELECT ${RETURNING} FROM chunks c WHERE c.job_id = $1 AND c.cursor < c.task_count ORDER BY c.chunk_index`,
  shards: `SELECT chunk_index AS "chunkIndex", shard_bytes AS "shardBytes", shard_attempt AS "shardAttempt"
    FROM chunks WHERE job_id = $1 ORDER BY chunk_index`,
  all: 'SELECT count(*) AS n FROM chunks WHERE job_id = $1',
} as const;

type Name = keyof typeof SQL;

interface CommitRow {
  n: number;
  succeeded_tasks: number | null;
  failed_tasks: number | null;
  total_tasks: number | null;
}

/** The ChunkRepo port over a pg pool: one statement per claim and per commit (named, prepared per connection). */
export function createPgChunkRepo(pool: pg.Pool): ChunkRepo {
  const q = async <R extends pg.QueryResultRow>(name: Name, values: unknown[] = []): Promise<R[]> =>
    (await pool.query<R>({ name: `chunks.${name}`, text: SQL[name], values })).rows;
  const count = async (name: Name, values: unknown[]): Promise<number> =>
    (await q<{ n: number }>(name, values))[0]?.n ?? 0;

  return {
    deleteChunks: async (jobId) => void (await q('del', [jobId])),
    async insertChunks(jobId, chunks) {
      // One INSERT per 10k descriptors (unnest of arrays): a million-task manifest is ~200 chunks, one call.
      await inTransaction(pool, async (c) => {
        for (let i = 0; i < chunks.length; i += 10_000) {
          const part = chunks.slice(i, i + 10_000);
          await c.query({
            name: 'chunks.insert',
            text: SQL.insert,
            values: [
              jobId,
              part.map((d) => d.index),
              part.map((d) => d.firstTask),
              part.map((d) => d.taskCount),
              part.map((d) => d.source),
            ],
          });
        }
      });
    },
    async claim(owner, now, leaseMs, limit) {
      const rows = await q<RawChunk & { priority: number; created_at: number }>('claim', [
        owner,
        now + leaseMs,
        now,
        limit,
      ]);
      rows.sort(
        (a, b) =>
          b.priority - a.priority ||
          a.created_at - b.created_at ||
          (a.job_id < b.job_id ? -1 : a.job_id > b.job_id ? 1 : 0) ||
          a.chunk_index - b.chunk_index,
      );
      return rows.map(toChunkRow);
    },
    releaseAllLeases: async () => (await pool.query(SQL.releaseAll)).rowCount ?? 0,
    async commit(p): Promise<CommitResult> {
      const r = (
        await q<CommitRow>('commit', [
          p.cursor,
          p.succeeded,
          p.failed,
          p.shardBytes,
          p.shardAttempt,
          p.next,
          p.leaseExpiresAt,
          p.jobId,
          p.chunkIndex,
          p.attempt,
          p.succeededDelta,
          p.failedDelta,
        ])
      )[0];
      if (!r || r.n === 0) return { ok: false, jobSucceeded: 0, jobFailed: 0, jobTotal: 0 };
      return {
        ok: true,
        jobSucceeded: r.succeeded_tasks ?? 0,
        jobFailed: r.failed_tasks ?? 0,
        jobTotal: r.total_tasks ?? 0,
      };
    },
    countOpen: (jobId) => count('open', [jobId]),
    jobsWithNothingOpen: async (statuses) =>
      q<{ jobId: string; status: JobStatus }>('nothingOpen', [[...statuses]]),
    countLiveLeases: (jobId, now) => count('live', [jobId, now]),
    listChunkShards: async (jobId) => q<ChunkShard & pg.QueryResultRow>('shards', [jobId]),
    listUnfinishedChunks: async (jobId) => (await q<RawChunk>('unfinished', [jobId])).map(toChunkRow),
    countChunks: (jobId) => count('all', [jobId]),
  };
}
