import type { JobFailure, JobRecord } from '../jobs/model.js';

export const TOO_MANY_FAILURES = 'TooManyTaskFailures';
/** Failure threshold (S3's rule, spec §7.5): more than 50% failed once at least 1,000 tasks ran. */
export const FAILURE_MIN_TASKS = 1000;

/** The failure-threshold reason, worded from the counters it is given. */
export function tooManyFailures(succeeded: number, failed: number, minTasks: number): JobFailure {
  return {
    code: TOO_MANY_FAILURES,
    reason: `${failed} of ${succeeded + failed} tasks failed (more than 50% after at least ${minTasks} tasks); the job was stopped.`,
  };
}

/**
 * The reason a Failing job ends Failed with. The threshold trips on one worker's commit while other chunks
 * are still in flight; they commit their last batch while the job is Failing, so the counters keep moving
 * (a 200k-task job read "5000 of 5000 tasks failed" next to "10000 failed"). Once nothing runs, the reason
 * is re-worded from the job's final counters, so its numbers equal DescribeJob's (issue 11).
 */
export function finalFailure(job: JobRecord, minTasks = FAILURE_MIN_TASKS): JobFailure | undefined {
  if (job.failure?.code !== TOO_MANY_FAILURES) return undefined;
  return tooManyFailures(Math.max(0, job.succeededTasks), Math.max(0, job.failedTasks), minTasks);
}
