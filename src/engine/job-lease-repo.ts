/** What a job lease is held for: planning the manifest, or settling (report + terminal status). */
export type JobLeasePurpose = 'plan' | 'settle';

/** A held job lease. `token` is the fencing token: it increases with every successful claim of (job, purpose). */
export interface JobLease {
  readonly jobId: string;
  readonly purpose: JobLeasePurpose;
  readonly owner: string;
  readonly token: number;
  readonly expiresAt: number;
}

/**
 * Claims on whole-job work, so no two engines (nodes) plan or settle one job at once. Adapters:
 * db/sqlite/job-lease-repo.ts, db/postgres/. One row per (jobId, purpose); every method is one atomic
 * statement (or transaction) — a CAS on (owner, token, expires_at).
 */
export interface JobLeaseRepo {
  /**
   * Takes the lease when no row exists or the existing one expired (expires_at < now), whoever held it.
   * A live lease is never taken, not even by the same owner (an engine runs one planner per job). On
   * success the token is the previous token + 1 (1 for a new row) and expiresAt = now + ttlMs.
   */
  claim(input: {
    jobId: string;
    purpose: JobLeasePurpose;
    owner: string;
    now: number;
    ttlMs: number;
  }): Promise<JobLease | undefined>;
  /**
   * Extends a held lease to now + ttlMs; undefined when it is no longer held (the row's token or owner
   * differ: someone took it over after it expired). The holder then stops its work.
   */
  renew(lease: JobLease, now: number, ttlMs: number): Promise<JobLease | undefined>;
  /**
   * Gives the lease up if still held with this token (expires it: the row and its token stay, so tokens
   * only grow); a no-op otherwise.
   */
  release(lease: JobLease): Promise<void>;
  /** True when someone holds the (job, purpose) lease at `now` (expires_at >= now). */
  isHeld(jobId: string, purpose: JobLeasePurpose, now: number): Promise<boolean>;
  /** Embedded only (one process owns the data): drops every job lease at start; returns how many. */
  releaseAll(): Promise<number>;
}
