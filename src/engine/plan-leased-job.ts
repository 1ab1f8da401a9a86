import type { JobRepo } from '../jobs/job-repo.js';
import type { JobRecord } from '../jobs/model.js';
import { PLANNABLE } from '../jobs/status-table.js';
import type { ChunkRepo } from './chunk-repo.js';
import type { EngineEvents } from './events.js';
import type { JobMover } from './job-mover.js';
import { ManifestError, type ManifestDeps } from './manifest/index.js';
import type { EngineMetrics } from './metrics.js';
import { PlanningAborted, planJob } from './planner.js';
import { checkReportAccess, ReportError } from './report-writer.js';
import { isStorageExhausted } from '../store/storage-full.js';

export interface PlanEnv {
  readonly manifest: ManifestDeps;
  readonly chunks: ChunkRepo;
  readonly jobs: JobRepo;
  readonly mover: JobMover;
  readonly metrics: EngineMetrics;
  readonly events: EngineEvents;
  readonly chunkSize: number;
  /** True once planning must stop: engine stopping, plan lease lost, or the job being cancelled. */
  readonly aborted: () => boolean;
}

/**
 * Plans one job while the caller holds its `plan` job lease: New → Preparing, the manifest into chunk
 * rows, then Suspended (confirmation required) or Ready; an unusable manifest → Failing.
 */
export async function planLeasedJob(env: PlanEnv, job: JobRecord): Promise<void> {
  const { mover, events } = env;
  const id = job.jobId;
  // Re-read under the lease: another node may have planned it while we waited for the claim.
  const fresh = await mover.refresh(id);
  if (!fresh || !PLANNABLE.includes(fresh.status)) return;
  const started = fresh.status === 'New' ? await mover.move(id, ['New'], 'Preparing') : fresh;
  if (!started) return;
  try {
    // Before any task runs (issue 12): the role exists and may write the report (ReportError otherwise).
    await checkReportAccess(env.manifest, started);
    const total = await planJob(env.manifest, env.chunks, env.metrics, started, env.chunkSize, env.aborted);
    await env.jobs.setTotalTasks(id, total);
    const chunks = await env.chunks.countChunks(id);
    mover.log(id).info({ totalTasks: total, chunks }, 'manifest planned');
    events.emit('planning-done', { jobId: id, outcome: 'planned', totalTasks: total });
    const now = await mover.refresh(id);
    if (!now || now.status !== 'Preparing') return;
    const confirm = now.spec.confirmationRequired && !now.preConfirmed;
    // Entering Suspended is refused once pre-confirmed (UpdateJobStatus Ready raced us): go Ready then.
    if (!(confirm && (await mover.move(id, ['Preparing'], 'Suspended'))))
      await mover.move(id, ['Preparing'], 'Ready');
  } catch (e) {
    if (e instanceof PlanningAborted) {
      events.emit('planning-done', { jobId: id, outcome: 'aborted' });
      return;
    }
    // A full disk is waited out by the engine (the job stays Preparing and is planned again).
    if (isStorageExhausted(e)) throw e;
    const failure =
      e instanceof ManifestError || e instanceof ReportError
        ? { code: e.failureCode, reason: e.message }
        : // Internal details (paths, SQL messages) go to the log, not to the caller's FailureReason.
          { code: 'InternalError', reason: 'Internal service error while preparing the job.' };
    if (!(e instanceof ManifestError || e instanceof ReportError))
      mover.log(id).error({ err: e }, 'planning failed');
    await mover.move(id, ['Preparing'], 'Failing', { failure });
    events.emit('planning-done', { jobId: id, outcome: 'failed' });
  }
}
