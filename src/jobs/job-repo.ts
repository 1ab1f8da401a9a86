import type { JobFailure, JobRecord, JobSpec, JobStatus } from './model.js';

/**
 * Persistence port for job rows (O(jobs) rows; per-object state never lives here). Adapters:
 * db/sqlite/job-repo.ts, db/postgres/. Every method returns a Promise and every write is one atomic
 * statement or transaction; all status writes are compare-and-set on status so the API and the engines of
 * several nodes can race safely. Every successful write bumps `version`.
 */
export interface JobRepo {
  /**
   * Inserts a New job. With a ClientRequestToken: if (account, token) exists with the same request hash,
   * returns that job instead (`created:false`); with a different hash, throws IdempotentParameterMismatch.
   */
  createJob(input: {
    jobId: string;
    accountId: string;
    spec: JobSpec;
    requestHash: string;
    now: number;
  }): Promise<{
    job: JobRecord;
    created: boolean;
  }>;
  getJob(accountId: string, jobId: string): Promise<JobRecord | undefined>;
  /** Newest first (createdAt desc, jobId desc). `after` is the (createdAt, jobId) of the last row seen. */
  listJobs(input: {
    accountId: string;
    statuses?: readonly JobStatus[] | undefined;
    after?: { createdAt: number; jobId: string } | undefined;
    limit: number;
  }): Promise<JobRecord[]>;
  /** Only non-terminal jobs change priority; undefined when the job is missing (in that account) or terminal. */
  setPriority(accountId: string, jobId: string, priority: number): Promise<JobRecord | undefined>;

  /**
   * Moves a job from one of `from` to `to` atomically; returns the updated row, or undefined when the job
   * was not in one of `from` (someone else moved it first). Maintains terminatedAt, suspendedAt and the
   * Active-time accounting (activeSince/activeMs) from `now`. One statement (UPDATE … WHERE status IN
   * (:from) RETURNING): the CAS. Entering Suspended is refused once preConfirmed is set. Throws (a
   * programming error) when a `from` → `to` pair is not in jobs/status-table.ts.
   */
  transition(input: {
    jobId: string;
    from: readonly JobStatus[];
    to: JobStatus;
    now: number;
    reason?: string | undefined;
    failure?: JobFailure | undefined;
    preConfirmed?: boolean | undefined;
  }): Promise<JobRecord | undefined>;
  /** Sets preConfirmed without a status change, only while Preparing (CAS); undefined otherwise. */
  markPreConfirmed(jobId: string, reason: string | undefined): Promise<JobRecord | undefined>;
  setStatusReason(jobId: string, reason: string): Promise<void>;

  /** Engine: the manifest has been planned; counts become known (0, 0, total). */
  setTotalTasks(jobId: string, total: number): Promise<void>;
  /**
   * Engine: jobs in any of these statuses, highest priority first, then oldest (createdAt, jobId). With
   * `limit`, only the first `limit` of them, read per status through the (status, priority DESC,
   * created_at) index, which stops at the limit: the scheduler's top contenders among thousands of queued
   * jobs cost the same as among a few.
   */
  findByStatus(statuses: readonly JobStatus[], limit?: number): Promise<JobRecord[]>;
  /** Engine: the Suspended jobs that entered Suspended at or before `cutoff` (ms), oldest first. */
  findSuspendedAtOrBefore(cutoff: number): Promise<JobRecord[]>;
  getJobById(jobId: string): Promise<JobRecord | undefined>;
  /** Metrics: number of jobs per status (statuses with no job may be absent). */
  countByStatus(): Promise<Partial<Record<JobStatus, number>>>;

  /** Engine heartbeat: records that the engine was running at `now` (about once a second). */
  recordEngineAlive(now: number): Promise<void>;
  /**
   * Embedded only (one process owns the data): on start-up after a stop or crash, closes every open
   * Active stint at the last recorded heartbeat and reopens it at `now`, so downtime does not count as
   * Active time. Returns the jobs adjusted. Never called when several nodes share the database.
   */
  rebaseActiveTime(now: number): Promise<number>;
}
