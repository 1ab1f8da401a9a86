import type pino from 'pino';
import type { JobRepo } from '../jobs/job-repo.js';
import type { JobFailure, JobRecord, JobStatus } from '../jobs/model.js';
import { canTransition, isTerminal } from '../jobs/status-table.js';
import type { Clock } from '../protocol/clock.js';
import type { EngineEvents } from './events.js';

/**
 * Every status change the engine makes: filtered through the status table (jobs/status-table.ts), applied
 * compare-and-set by the repo, logged on the job's child logger, and mirrored into the in-memory status
 * map workers consult between batches.
 */
export class JobMover {
  /** Last status this process knows per job; workers stop when their job is no longer Active. */
  readonly status = new Map<string, JobStatus>();

  constructor(
    private readonly repo: JobRepo,
    private readonly clock: Clock,
    private readonly logger: pino.Logger,
    private readonly events: EngineEvents,
  ) {}

  async move(
    jobId: string,
    from: readonly JobStatus[],
    to: JobStatus,
    extra: { reason?: string; failure?: JobFailure } = {},
  ): Promise<JobRecord | undefined> {
    const legal = from.filter((f) => canTransition(f, to));
    if (legal.length === 0) return undefined;
    const job = await this.repo.transition({ jobId, from: legal, to, now: this.clock.now(), ...extra });
    if (job) {
      const previous = this.status.get(jobId);
      // Terminal jobs leave the map (it would otherwise grow by one entry per job ever run).
      if (isTerminal(to)) this.status.delete(jobId);
      else this.status.set(jobId, to);
      this.log(jobId).info({ status: to, failure: extra.failure }, `job ${to}`);
      this.events.emit('job-status', { jobId, from: previous, to, job });
    }
    return job;
  }

  /** Re-reads a job's status into the map (wake(jobId), heartbeats). */
  async refresh(jobId: string): Promise<JobRecord | undefined> {
    const job = await this.repo.getJobById(jobId);
    if (job) this.status.set(jobId, job.status);
    return job;
  }

  log(jobId: string): pino.Logger {
    return this.logger.child({ jobId });
  }
}
