import { asyncFacade, type Syncified } from './async-facade.js';
import type { SqliteDb } from './open.js';
import type { ChunkProgress, ChunkRepo, ChunkShard, CommitResult } from '../../engine/chunk-repo.js';
import type { ChunkDescriptor } from '../../engine/manifest/types.js';
import { toChunkRow, type RawChunk } from '../chunk-row.js';
import type { JobStatus } from '../../jobs/model.js';

/**
 * The claim is one statement (no read-then-write race between workers or processes): the inner SELECT
 * picks claimable chunks of Active jobs by job priority at claim time, the UPDATE bumps `attempt` (the
 * fencing token every later commit must present) and RETURNING hands the rows back.
 * An expired lease is only taken over from ANOTHER owner: this process's own worker may still be running
 * the chunk (leases are renewed between batches, so a clock jump or a stall past leaseMs expires them),
 * and a second attempt in the same process would write the same report shard concurrently. A dead
 * process's leases are another owner's (owner ids are per process), and start-up releases them anyway.
 */
const CLAIM_SQL = `
UPDATE chunks SET state = 'leased', lease_owner = :owner, lease_expires_at = :expires, attempt = attempt + 1
WHERE rowid IN (
  SELECT c.rowid FROM jobs j JOIN chunks c ON c.job_id = j.job_id
  WHERE j.status = 'Active'
    AND (c.state = 'pending' OR (c.state = 'leased' AND c.lease_expires_at < :now AND c.lease_owner IS NOT :owner))
  ORDER BY j.priority DESC, j.created_at, j.job_id, c.chunk_index
  LIMIT :limit)
RETURNING job_id, chunk_index, first_task, task_count, source, attempt, cursor, succeeded, failed, shard_bytes,
  shard_attempt`;

const COMMIT_SQL = `
UPDATE chunks SET cursor = :cursor, succeeded = :succeeded, failed = :failed, shard_bytes = :shardBytes,
  shard_attempt = :shardAttempt,
  state = CASE :next WHEN 'done' THEN 'done' WHEN 'release' THEN 'pending' ELSE 'leased' END,
  lease_owner = CASE :next WHEN 'keep' THEN lease_owner ELSE NULL END,
  lease_expires_at = CASE :next WHEN 'keep' THEN :expires ELSE NULL END
WHERE job_id = :jobId AND chunk_index = :chunkIndex AND attempt = :attempt AND state = 'leased'`;

const COUNTERS_SQL = `
UPDATE jobs SET succeeded_tasks = succeeded_tasks + :s, failed_tasks = failed_tasks + :f,
  version = version + CASE WHEN :s + :f > 0 THEN 1 ELSE 0 END
WHERE job_id = :jobId
RETURNING succeeded_tasks, failed_tasks, total_tasks`;

/** The ChunkRepo port over better-sqlite3 (one statement per claim, one transaction per commit). */
export function createSqliteChunkRepo(db: SqliteDb): ChunkRepo {
  return asyncFacade<ChunkRepo>(createSyncChunkRepo(db));
}

function createSyncChunkRepo(db: SqliteDb): Syncified<ChunkRepo> {
  const st = {
    del: db.prepare('DELETE FROM chunks WHERE job_id = ?'),
    ins: db.prepare(
      'INSERT INTO chunks (job_id, chunk_index, first_task, task_count, source) VALUES (?, ?, ?, ?, ?)',
    ),
    claim: db.prepare(CLAIM_SQL),
    releaseAll: db.prepare("UPDATE chunks SET lease_expires_at = 0 WHERE state = 'leased'"),
    commit: db.prepare(COMMIT_SQL),
    counters: db.prepare(COUNTERS_SQL),
    open: db.prepare("SELECT count(*) AS n FROM chunks WHERE job_id = ? AND state <> 'done'"),
    nothingOpen: db.prepare(`SELECT j.job_id AS jobId, j.status FROM jobs j
      WHERE j.status IN (SELECT value FROM json_each(?))
        AND NOT EXISTS (SELECT 1 FROM chunks c WHERE c.job_id = j.job_id AND c.state <> 'done')`),
    live: db.prepare(
      "SELECT count(*) AS n FROM chunks WHERE job_id = ? AND state = 'leased' AND lease_expires_at >= ?",
    ),
    shards: db.prepare(
      `SELECT chunk_index AS chunkIndex, shard_bytes AS shardBytes, shard_attempt AS shardAttempt
        FROM chunks WHERE job_id = ? ORDER BY chunk_index`,
    ),
    all: db.prepare('SELECT count(*) FROM chunks WHERE job_id = ?').pluck(),
    unfinished: db.prepare(
      'SELECT * FROM chunks WHERE job_id = ? AND cursor < task_count ORDER BY chunk_index',
    ),
  };
  const insertMany = db.transaction((jobId: string, chunks: readonly ChunkDescriptor[]) => {
    for (const c of chunks) st.ins.run(jobId, c.index, c.firstTask, c.taskCount, c.source);
  });
  const commitTx = db.transaction((p: ChunkProgress): CommitResult => {
    const info = st.commit.run({
      cursor: p.cursor,
      succeeded: p.succeeded,
      failed: p.failed,
      shardBytes: p.shardBytes,
      shardAttempt: p.shardAttempt,
      next: p.next,
      expires: p.leaseExpiresAt,
      jobId: p.jobId,
      chunkIndex: p.chunkIndex,
      attempt: p.attempt,
    });
    if (info.changes === 0) return { ok: false, jobSucceeded: 0, jobFailed: 0, jobTotal: 0 };
    const r = st.counters.get({ s: p.succeededDelta, f: p.failedDelta, jobId: p.jobId }) as
      { succeeded_tasks: number; failed_tasks: number; total_tasks: number } | undefined;
    return {
      ok: true,
      jobSucceeded: r?.succeeded_tasks ?? 0,
      jobFailed: r?.failed_tasks ?? 0,
      jobTotal: r?.total_tasks ?? 0,
    };
  });
  return {
    deleteChunks: (jobId) => void db.transaction(() => st.del.run(jobId)).immediate(),
    insertChunks: (jobId, chunks) => insertMany.immediate(jobId, chunks),
    claim(owner, now, leaseMs, limit) {
      const rows = st.claim.all({ owner, expires: now + leaseMs, now, limit }) as RawChunk[];
      return rows.map(toChunkRow);
    },
    commit: (p) => commitTx.immediate(p),
    releaseAllLeases: () => st.releaseAll.run().changes,
    countOpen: (jobId) => (st.open.get(jobId) as { n: number }).n,
    jobsWithNothingOpen: (statuses) =>
      st.nothingOpen.all(JSON.stringify(statuses)) as { jobId: string; status: JobStatus }[],
    countLiveLeases: (jobId, now) => (st.live.get(jobId, now) as { n: number }).n,
    listChunkShards: (jobId) => st.shards.all(jobId) as ChunkShard[],
    listUnfinishedChunks: (jobId) => (st.unfinished.all(jobId) as RawChunk[]).map(toChunkRow),
    countChunks: (jobId) => st.all.get(jobId) as number,
  };
}
