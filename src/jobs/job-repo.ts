import type { JobFailure, JobRecord, JobSpec, JobStatus } from './model.js';

/**
 * Persistence port for job rows (O(jobs) rows; per-object state never lives here). The SQLite adapter
 * is in `db/`; a PostgreSQL one comes with scale-out. All writes are compare-and-set on status so the API
 * and the engine can race safely.
 */
export interface JobRepo {
  /**
   * Inserts a New job. With a ClientRequestToken: if (account, token) exists with the same request hash,
   * returns that job instead (`created:false`); with a different hash, throws IdempotentParameterMismatch.
   */
  createJob(input: { jobId: string; accountId: string; spec: JobSpec; requestHash: string; now: number }): {
    job: JobRecord;
    created: boolean;
  };
  getJob(accountId: string, jobId: string): JobRecord | undefined;
  /** Newest first (createdAt desc, jobId desc). `after` is the (createdAt, jobId) of the last row seen. */
  listJobs(input: {
    accountId: string;
    statuses?: readonly JobStatus[] | undefined;
    after?: { createdAt: number; jobId: string } | undefined;
    limit: number;
  }): JobRecord[];
  setPriority(accountId: string, jobId: string, priority: number): JobRecord | undefined;

  /**
   * Moves a job from one of `from` to `to` atomically; returns the updated row, or undefined when the job
   * was not in one of `from` (someone else moved it first). Maintains terminatedAt, suspendedAt and the
   * Active-time accounting (activeSince/activeMs) from `now`.
   */
  transition(input: {
    jobId: string;
    from: readonly JobStatus[];
    to: JobStatus;
    now: number;
    reason?: string | undefined;
    failure?: JobFailure | undefined;
    preConfirmed?: boolean | undefined;
  }): JobRecord | undefined;
  /** Sets preConfirmed without a status change (UpdateJobStatus Ready during Preparing). */
  markPreConfirmed(jobId: string, reason: string | undefined): JobRecord | undefined;
  setStatusReason(jobId: string, reason: string): void;

  /** Engine: the manifest has been planned; counts become known (0, 0, total). */
  setTotalTasks(jobId: string, total: number): void;
  /** Engine: job ids in any of these statuses, highest priority first, then oldest first. */
  findByStatus(statuses: readonly JobStatus[]): JobRecord[];
  getJobById(jobId: string): JobRecord | undefined;

  /** Engine heartbeat: records that the engine was running at `now` (about once a second). */
  recordEngineAlive(now: number): void;
  /**
   * On start-up after a stop or crash: closes every open Active stint at the last recorded heartbeat
   * and reopens it at `now`, so downtime does not count as Active time. Returns the jobs adjusted.
   */
  rebaseActiveTime(now: number): number;
}
