import { performance } from 'node:perf_hooks';
import type { JobRecord } from '../jobs/model.js';
import type { Clock } from '../protocol/clock.js';
import type { BatchGate } from './batch-gate.js';
import type { ChunkProgress, ChunkRepo, ChunkRow } from './chunk-repo.js';
import type { ManifestDeps } from './manifest/types.js';
import { readChunkTasks } from './manifest/index.js';
import type { EngineMetrics } from './metrics.js';
import { reportBytes } from './report-bytes.js';
import type { EngineEvents } from './events.js';
import { releaseAsCommitted } from './pending-releases.js';
import type { ShardStore } from './shard-store.js';
import type { TaskExecutor, TaskResult } from './task-executor.js';

/** Counters and cursor are flushed (shard fsync + one DB transaction) at most this often: ~1 s. */
export const HEARTBEAT_MS = 1000;
/**
 * Tasks per batch, one applyBatch each. A batch runs synchronously (~6.5 µs per task on a quiet 2-core box,
 * store write included), so its length is the longest wait a request sees behind the engine. Quiet machine,
 * `npx tsx bench/jobs.ts --json` (1M objects), alternating, 2026-11-29: 1000 → 124-125k tasks/s, DescribeJob
 * p99 17.5-20.4 ms, loop delay p99 13.9-14.1 ms; 500 → 122-128k, 13.8-15.9 ms, 9.6-11.5 ms; 250 → 118-120k
 * (-4%), 11.1-14.2 ms, 7.7-8.9 ms. 500 halves the slice at no measured cost in throughput. (Under load, an
 * older measurement found 250 10-50% slower.)
 */
export const TASK_BATCH = 500;
/**
 * Tasks per batch while a request waits for a reply behind it (BatchGate's `hurry`). On PostgreSQL a
 * DescribeJob's query goes out just before a batch and its reply is read only after it: the query took
 * p50 2.0–2.3 ms during a job against 0.34–0.39 idle. With 100-task batches behind it, 0.76–0.82 ms, and the
 * DescribeJob in the server p50 1.3–1.4 / p99 6.0–6.7 ms against 2.6–3.0 / 6.4–10.5
 * (bench/describe-timing-preload.mjs, two alternating pairs, 2026-11-30). A batch's fixed cost (a loop turn,
 * a transaction; ~120 µs: batches of 100 throughout ran 16–20% slower) is paid ~600 more times per 1M-task
 * job (3,000 grants against 2,400), ~1.4% of it: in ten PostgreSQL pairs the means differed by 2–4%, within
 * this machine's noise (docs/performance.md, twelfth pass). Since the fourteenth pass the grant first waits
 * for the reply (request-turn.ts, reply-hold.ts); a short batch runs only when that wait gives up.
 */
export const SHORT_TASK_BATCH = 100;
/**
 * A remote store makes one call per task, `storeConcurrency` in flight, so a batch of TASK_BATCH takes
 * TASK_BATCH / 64 × the store's latency and more under load (≥ 1.6 s measured with three nodes on two cores):
 * cancel is only seen between batches, and issue 8 wants it within 1 s. Four rounds of the store's
 * concurrency keep its pipe full while a batch stays short (256 tasks at the default 64).
 */
export const remoteTaskBatch = (storeConcurrency: number): number =>
  Math.min(TASK_BATCH, 4 * storeConcurrency);

export interface WorkerEnv {
  readonly chunks: ChunkRepo;
  readonly manifest: ManifestDeps;
  readonly clock: Clock;
  readonly leaseMs: number;
  readonly shards: ShardStore;
  readonly metrics: EngineMetrics;
  readonly events: EngineEvents;
  /** Shared by all workers of the engine: one batch per event-loop turn. */
  readonly gate: BatchGate;
  /** Tasks per batch: TASK_BATCH on the built-in store, remoteTaskBatch on a remote one. */
  readonly taskBatch: number;
  /** Tasks per batch while a request waits for a reply (the gate's `hurry`): SHORT_TASK_BATCH, or taskBatch; ≥ 1. */
  readonly shortBatch: number;
  /** True when the job left Active (cancel, pause, failure): the in-memory flag wake(jobId) sets. */
  shouldStop(jobId: string): boolean;
  /** Re-reads the job's status from the database (heartbeat) and updates the flag. */
  refreshStatus(jobId: string): Promise<void>;
  /** The job's counters after a commit: the engine applies the failure threshold. */
  onCounters(jobId: string, succeeded: number, failed: number, total: number): void;
  /** A release whose commit failed: the engine retries it (pending-releases.ts). */
  giveBackLater(release: ChunkProgress): void;
}

export type ChunkOutcome = 'done' | 'stopped' | 'lost';

/**
 * Runs one leased chunk from its committed cursor. Per batch: read tasks, execute, append report rows,
 * count in memory; per heartbeat: fsync the shard, then commit cursor + counters + shard length (and the
 * job's counters) in one transaction fenced by the attempt number. A crash loses only uncommitted work,
 * which the next attempt redoes after truncating the shard: every task is reported exactly once.
 * `tasksDone` is called once every task has run, before the chunk's last flush and commit (not when the
 * chunk stops early, loses its lease or fails).
 */
export async function runChunk(
  env: WorkerEnv,
  job: JobRecord,
  chunk: ChunkRow,
  executor: TaskExecutor,
  tasksDone: () => void = () => undefined,
): Promise<ChunkOutcome> {
  const report = job.spec.report;
  // The attempt writes its own shard, seeded with the committed prefix of the last committing attempt.
  const shard = report.enabled
    ? await env.shards.openWriter(
        { jobId: job.jobId, chunkIndex: chunk.chunkIndex, attempt: chunk.attempt },
        { attempt: chunk.shardAttempt, bytes: chunk.shardBytes },
      )
    : undefined;
  const opLabel = job.spec.operation.kind;
  let cursor = chunk.cursor;
  let succeeded = chunk.succeeded;
  let failed = chunk.failed;
  // What the chunk row holds: the state a commit after a failed shard flush gives back (below).
  let committed = {
    cursor,
    succeeded,
    failed,
    shardBytes: chunk.shardBytes,
    shardAttempt: chunk.shardAttempt,
  };
  let shardFailed = false;
  let lastFlush = performance.now();

  const flush = async (next: 'keep' | 'release' | 'done'): Promise<boolean> => {
    if (!shardFailed) {
      try {
        await shard?.flush();
      } catch (e) {
        // The shard may now lack rows of tasks counted since the last commit, and retrying cannot tell: on
        // Linux a failed writeback leaves the pages clean, so a second fdatasync can succeed without the
        // data. Nothing since that commit may count.
        shardFailed = true;
        throw e;
      }
    }
    // After a failed flush only a release comes (the catch below): the chunk goes back exactly as last
    // committed, and the next attempt redoes what this one did since, on a shard truncated to that prefix.
    const at = shardFailed
      ? committed
      : {
          cursor,
          succeeded,
          failed,
          shardBytes: shard?.size ?? 0,
          shardAttempt: shard ? chunk.attempt : 0,
        };
    const r = await env.chunks.commit({
      jobId: job.jobId,
      chunkIndex: chunk.chunkIndex,
      attempt: chunk.attempt,
      cursor: at.cursor,
      succeeded: at.succeeded,
      failed: at.failed,
      shardBytes: at.shardBytes,
      shardAttempt: at.shardAttempt,
      succeededDelta: at.succeeded - committed.succeeded,
      failedDelta: at.failed - committed.failed,
      next,
      leaseExpiresAt: env.clock.now() + env.leaseMs,
    });
    lastFlush = performance.now();
    const ref = { jobId: job.jobId, chunkIndex: chunk.chunkIndex, attempt: chunk.attempt };
    if (!r.ok) {
      env.events.emit('chunk-released', { ...ref, reason: 'lost' });
      return false;
    }
    env.events.emit('chunk-committed', { ...ref, cursor: at.cursor, next });
    if (next === 'release') env.events.emit('chunk-released', { ...ref, reason: 'released' });
    committed = at;
    env.onCounters(job.jobId, r.jobSucceeded, r.jobFailed, r.jobTotal);
    return true;
  };

  try {
    const descriptor = {
      index: chunk.chunkIndex,
      firstTask: chunk.firstTask,
      taskCount: chunk.taskCount,
      source: chunk.source,
    };
    for await (const read of readChunkTasks(env.manifest, job, descriptor, cursor, env.taskBatch)) {
      for (let from = 0; from < read.length;) {
        // One batch per loop iteration across all workers (batch-gate.ts), then check for cancel/pause.
        // A short one when a request waits for a reply that the batch would hold up.
        const hurry = await env.gate.turn();
        if (env.shouldStop(job.jobId)) return (await flush('release')) ? 'stopped' : 'lost';
        const size = hurry ? env.shortBatch : read.length;
        // The whole read when nothing hurried it: no copy.
        const tasks = from === 0 && size >= read.length ? read : read.slice(from, from + size);
        from += tasks.length;
        const results = await executor.run(tasks);
        if (shard) shard.append(reportBytes(report.scope, tasks, results));
        const ok = countOk(results);
        succeeded += ok;
        failed += results.length - ok;
        cursor += tasks.length;
        if (ok > 0) env.metrics.tasks.inc({ operation: opLabel, outcome: 'succeeded' }, ok);
        if (results.length > ok)
          env.metrics.tasks.inc({ operation: opLabel, outcome: 'failed' }, results.length - ok);
        if (performance.now() - lastFlush >= HEARTBEAT_MS) {
          if (!(await flush('keep'))) return 'lost';
          await env.refreshStatus(job.jobId);
        }
      }
    }
    // Every task ran: the chunk is done even when the job is being cancelled meanwhile. The caller may
    // start the next chunk while this one's last flush and commit are under way (tasksDone).
    tasksDone();
    return (await flush('done')) ? 'done' : 'lost';
  } catch (e) {
    // Keep what was counted and give the lease back now, so the job can settle without waiting for the
    // lease to expire; the failed batch was neither counted nor reported, so a retry redoes it. When that
    // release fails too, the engine gives the chunk back as last committed once the database takes writes.
    await flush('release').catch(() =>
      env.giveBackLater(
        releaseAsCommitted(
          { jobId: job.jobId, chunkIndex: chunk.chunkIndex, attempt: chunk.attempt },
          committed,
        ),
      ),
    );
    throw e;
  } finally {
    await shard?.close();
  }
}

function countOk(results: readonly TaskResult[]): number {
  let n = 0;
  for (const r of results) if (r.ok) n++;
  return n;
}
