import { IN_FLIGHT } from '../jobs/status-table.js';
import type { Iam } from '../iam/types.js';
import type { Clock } from '../protocol/clock.js';
import type { ObjectStore } from '../store/object-store.js';
import { isStorageExhausted } from '../store/storage-full.js';
import type { ChunkRepo, ChunkRow } from './chunk-repo.js';
import { runChunk, type ChunkOutcome, type WorkerEnv } from './chunk-worker.js';
import type { EngineEvents } from './events.js';
import type { JobMover } from './job-mover.js';
import { ManifestError } from './manifest/index.js';
import { releaseAsCommitted } from './pending-releases.js';
import { TaskExecutor } from './task-executor.js';

/** What running one claimed chunk needs: the job's role, the store, the chunk repo, the worker loop's env. */
export interface ChunkRunnerEnv {
  readonly chunks: ChunkRepo;
  readonly mover: JobMover;
  readonly events: EngineEvents;
  readonly store: ObjectStore;
  readonly iam: Iam;
  readonly clock: Clock;
  readonly region: string;
  readonly worker: WorkerEnv;
}

export type JobFailure = { code: string; reason: string };

/**
 * Runs one claimed chunk as its job's RAM role. A job that is no longer Active gets its chunk back
 * untouched; a missing role fails the job; a chunk that fails (manifest, internal error) fails the job with
 * a documented reason. A full disk is rethrown: the engine waits it out and the chunk runs again.
 */
export async function executeChunk(
  env: ChunkRunnerEnv,
  chunk: ChunkRow,
  tasksDone?: () => void,
): Promise<ChunkOutcome | 'not-run' | 'failed'> {
  const job = await env.mover.refresh(chunk.jobId);
  const role = job ? await env.iam.findRoleByArn(job.spec.roleArn) : undefined;
  if (!job || job.status !== 'Active' || !role) {
    if (job && !role)
      await failJob(env.mover, job.jobId, {
        code: 'RoleNotFound',
        reason: `The job role ${job.spec.roleArn} no longer exists.`,
      });
    await releaseChunk(env, chunk);
    return 'not-run';
  }
  const principal = env.iam.roleAsPrincipal(role);
  const executor = new TaskExecutor(env.store, env.iam, principal, job.spec.operation, env.region, env.clock);
  try {
    return await runChunk(env.worker, job, chunk, executor, tasksDone);
  } catch (e) {
    // The chunk gave its lease back (runChunk); on a full disk the job waits and the chunk runs again.
    if (isStorageExhausted(e)) throw e;
    const failure =
      e instanceof ManifestError
        ? { code: e.failureCode, reason: e.message }
        : // The cause (SQL or filesystem text, paths) stays in the log; the client sees a documented reason.
          {
            code: 'InternalError',
            reason: 'Internal service error while running the job; see the server log.',
          };
    env.mover.log(job.jobId).error({ err: e, chunk: chunk.chunkIndex }, 'chunk failed');
    await failJob(env.mover, job.jobId, failure);
    return 'failed';
  }
}

/**
 * Gives an untouched lease back (the job is not Active, or cannot run, or the engine is stopping); the
 * committed shard stays as it was.
 */
export async function releaseChunk(env: ChunkRunnerEnv, c: ChunkRow): Promise<void> {
  const release = releaseAsCommitted(c, c);
  let r;
  try {
    r = await env.chunks.commit(release);
  } catch (e) {
    env.worker.giveBackLater(release);
    throw e;
  }
  const ref = { jobId: c.jobId, chunkIndex: c.chunkIndex, attempt: c.attempt };
  env.events.emit('chunk-released', { ...ref, reason: r.ok ? 'released' : 'lost' });
}

export async function failJob(mover: JobMover, jobId: string, failure: JobFailure): Promise<void> {
  await mover.move(jobId, IN_FLIGHT, 'Failing', { failure });
}
