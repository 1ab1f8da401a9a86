import type { Clock } from '../protocol/clock.js';
import type { JobLease, JobLeasePurpose, JobLeaseRepo } from './job-lease-repo.js';

/** What work under a job lease sees: `lost()` turns true when a renewal failed (someone took it over). */
export interface LeaseScope {
  readonly lease: JobLease;
  lost(): boolean;
}

/**
 * Runs `work` while holding the (job, purpose) lease: claims it (returns undefined without running when
 * another holder's lease is live), renews it every ttl/3 on the clock's timers, and releases it when the
 * work ends, also on failure. A failed renewal marks the scope lost; the work checks it at its boundaries
 * (the planner between chunks, the settler before each status change is fenced by the status CAS anyway).
 */
export async function withJobLease<T>(
  leases: JobLeaseRepo,
  clock: Clock,
  claim: { jobId: string; purpose: JobLeasePurpose; owner: string; ttlMs: number },
  work: (scope: LeaseScope) => Promise<T>,
): Promise<T | undefined> {
  const lease = await leases.claim({ ...claim, now: clock.now() });
  if (!lease) return undefined;
  let current: JobLease | undefined = lease;
  let lost = false;
  let renewing = false;
  const timer = clock.setInterval(
    () => {
      if (renewing || lost || !current) return;
      renewing = true;
      leases
        .renew(current, clock.now(), claim.ttlMs)
        .then((renewed) => {
          current = renewed;
          if (!renewed) lost = true;
        })
        .catch(() => {
          // A failed round trip is not a lost lease; the next renewal tries again before the TTL runs out.
        })
        .finally(() => (renewing = false));
    },
    Math.max(10, Math.floor(claim.ttlMs / 3)),
  );
  try {
    return await work({ lease, lost: () => lost });
  } finally {
    timer.cancel();
    if (current && !lost) await leases.release(current).catch(() => undefined);
  }
}
