import type { Iam } from '../iam/types.js';
import type { JobRepo } from '../jobs/job-repo.js';
import type { JobFailure, JobRecord, JobStatus } from '../jobs/model.js';
import { SETTLES_TO } from '../jobs/status-table.js';
import { finalFailure } from './failure-reason.js';
import type { ChunkRepo } from './chunk-repo.js';
import type { JobMover } from './job-mover.js';
import { isStorageExhausted } from '../store/storage-full.js';
import { REPORT_WRITE_FAILED, ReportError, writeReport, type ReportDeps } from './report-writer.js';

export interface SettlerEnv {
  readonly repo: JobRepo;
  readonly chunks: ChunkRepo;
  readonly mover: JobMover;
  readonly iam: Iam;
  readonly report: ReportDeps;
}

type Settling = 'Completing' | 'Cancelling' | 'Failing';

/**
 * Drives a Completing / Cancelling / Failing job to Complete / Cancelled / Failed: writes the report when
 * enabled and at least one task ran (spec §7.3), then the terminal status, then deletes the local shards.
 * The caller makes sure nothing of the job still runs. A report that cannot be written fails the job
 * (spec §8.1): Completing/Cancelling → Failing → Failed with the reason.
 */
export async function settleJob(env: SettlerEnv, jobId: string): Promise<JobStatus | undefined> {
  const job = await env.repo.getJobById(jobId);
  // Settled already (by another node, or an earlier run of ours): nothing done here.
  if (!job || !(job.status in SETTLES_TO)) return undefined;
  const status = job.status as Settling;
  const failure = await reportFailure(env, job);
  // Nothing of the job runs any more: a threshold reason now takes the final counters (failure-reason.ts).
  const final = status === 'Failing' ? finalFailure(job) : undefined;
  let settled: JobRecord | undefined;
  if (failure) {
    if (status !== 'Failing') await env.mover.move(jobId, [status], 'Failing', { failure });
    // A job already Failing keeps its first FailureReason; the report problem is logged.
    env.mover.log(jobId).warn({ failure }, 'report not written');
    settled = await env.mover.move(
      jobId,
      ['Failing'],
      'Failed',
      status === 'Failing' ? { failure: final } : { failure },
    );
  } else {
    settled = await env.mover.move(jobId, [status], SETTLES_TO[status], { failure: final });
  }
  // Shards go only once the terminal status is committed (a crash before it re-settles from them).
  if (settled) await env.report.shards.deleteJob(jobId);
  return settled?.status;
}

async function reportFailure(env: SettlerEnv, job: JobRecord): Promise<JobFailure | undefined> {
  const ran = Math.max(0, job.succeededTasks) + Math.max(0, job.failedTasks);
  if (!job.spec.report.enabled || ran === 0) return undefined;
  const role = await env.iam.findRoleByArn(job.spec.roleArn);
  if (!role)
    return {
      code: 'RoleNotFound',
      reason: `The job role ${job.spec.roleArn} no longer exists; the report was not written.`,
    };
  try {
    const shards = await env.chunks.listChunkShards(job.jobId);
    await writeReport(env.report, job, env.iam.roleAsPrincipal(role), shards);
    return undefined;
  } catch (e) {
    if (e instanceof ReportError) return { code: e.failureCode, reason: e.message };
    // A full disk is waited out by the engine (storage-backoff.ts): the job stays settling and retries.
    if (isStorageExhausted(e)) throw e;
    // Internal causes (SQLite or filesystem text, paths) stay in the log; the client sees a documented reason.
    env.mover.log(job.jobId).error({ err: e }, 'writing the report failed');
    return { code: 'ReportWriteFailed', reason: REPORT_WRITE_FAILED };
  }
}
