import type { JobRepo } from '../jobs/job-repo.js';
import type { Clock } from '../protocol/clock.js';
import type { ChunkRepo } from './chunk-repo.js';
import type { JobMover } from './job-mover.js';

/** A Suspended job not confirmed within 14 days fails (spec §7.3, §15). */
export const SUSPEND_TIMEOUT_MS = 14 * 24 * 3600 * 1000;

export interface SchedulerEnv {
  readonly repo: JobRepo;
  readonly chunks: ChunkRepo;
  readonly mover: JobMover;
  readonly clock: Clock;
  readonly maxActiveJobs: number;
  /** Chunks of the job this process is working on right now. */
  localWorkers(jobId: string): number;
}

/**
 * Suspended → Failed after 14 days without confirmation (compares clock.now() with suspendedAt). Only the
 * expired ones are read: every pass read every Suspended job before (77-87 ms with 10,000, SQLite).
 */
export async function sweepSuspended(env: SchedulerEnv): Promise<void> {
  for (const job of await env.repo.findSuspendedAtOrBefore(env.clock.now() - SUSPEND_TIMEOUT_MS)) {
    await env.mover.move(job.jobId, ['Suspended'], 'Failed', {
      failure: {
        code: 'ConfirmationTimeout',
        reason: 'The job was not confirmed within 14 days of entering Suspended.',
      },
    });
  }
}

/** True when nothing of the job runs anywhere: no local worker and no unexpired lease in the database. */
export async function quiet(env: SchedulerEnv, jobId: string): Promise<boolean> {
  return env.localWorkers(jobId) === 0 && (await env.chunks.countLiveLeases(jobId, env.clock.now())) === 0;
}

/**
 * Priority scheduling with pre-emption (spec §7.2 Pausing/Paused, gap 9): the `maxActiveJobs` highest
 * priority jobs among Active/Paused/Ready hold the slots (priority read now, so UpdateJobPriority reorders
 * live). An Active job pushed out goes Pausing (its workers stop at the next batch) and Paused once quiet;
 * a Paused or Ready job in the top set becomes Active when a slot is free. Active jobs whose chunks are all
 * done go Completing.
 */
export async function schedule(env: SchedulerEnv): Promise<void> {
  await finishDoneJobs(env);
  // The jobs that hold or give up a slot, and only the first maxActiveJobs contenders: the jobs queued
  // behind them are not read (every pass read them all, spec and all, before; bench/queued-jobs.ts).
  // The top first: a job another node pre-empts between the two reads is then Pausing in `running`, which
  // is what `busy` counts, instead of Active and out of both.
  const top = await env.repo.findByStatus(['Active', 'Paused', 'Ready'], env.maxActiveJobs);
  const running = await env.repo.findByStatus(['Active', 'Pausing']);
  const inTop = new Set(top.map((j) => j.jobId));
  for (const j of running) {
    if (j.status === 'Pausing' && (await quiet(env, j.jobId)))
      await env.mover.move(j.jobId, ['Pausing'], 'Paused');
  }
  for (const j of running) {
    if (j.status === 'Active' && !inTop.has(j.jobId)) await env.mover.move(j.jobId, ['Active'], 'Pausing');
  }
  let busy = running.filter((j) => j.status === 'Pausing' || inTop.has(j.jobId)).length;
  for (const j of top) {
    if (busy >= env.maxActiveJobs) break;
    if (j.status !== 'Ready' && j.status !== 'Paused') continue;
    if (await env.mover.move(j.jobId, [j.status], 'Active')) busy++;
  }
  for (const j of await env.repo.findByStatus(['Active'])) await completeIfDone(env, j.jobId);
}

async function completeIfDone(env: SchedulerEnv, jobId: string): Promise<void> {
  if (env.localWorkers(jobId) > 0 || (await env.chunks.countOpen(jobId)) > 0) return;
  await env.mover.move(jobId, ['Active'], 'Completing');
}

/**
 * Jobs whose chunks are all done finish before slots are handed out: an Active one is never pre-empted
 * for lack of work left, and one pre-empted while its last batch ran (Pausing/Paused with nothing open)
 * needs no slot — it goes Paused → Active → Completing at once instead of waiting behind higher-priority
 * jobs with every task done and no report. Only those Pausing/Paused jobs are read, not every pre-empted one.
 */
async function finishDoneJobs(env: SchedulerEnv): Promise<void> {
  for (const j of await env.repo.findByStatus(['Active'])) await completeIfDone(env, j.jobId);
  for (const { jobId, status } of await env.chunks.jobsWithNothingOpen(['Pausing', 'Paused'])) {
    if (!(await quiet(env, jobId))) continue;
    if (status === 'Pausing') await env.mover.move(jobId, ['Pausing'], 'Paused');
    if (await env.mover.move(jobId, ['Paused'], 'Active')) await completeIfDone(env, jobId);
  }
}
