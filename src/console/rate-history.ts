import type { JobRepo } from '../jobs/job-repo.js';
import type { JobStatus } from '../jobs/model.js';
import type { Clock } from '../protocol/clock.js';

/** One point of the task-rate chart: when (ms since epoch) and tasks per second over the step before it. */
export interface RatePoint {
  readonly at: number;
  readonly perSecond: number;
}

interface Sample {
  readonly at: number;
  readonly done: number;
}

/** Statuses in which tasks may still be counted (the chart's samples come from these). */
const RUNNING: readonly JobStatus[] = ['Active', 'Pausing', 'Cancelling', 'Completing', 'Failing'];
/** Points kept per job: when full, every other one is dropped, so a long job keeps its whole life, coarser. */
const MAX_POINTS = 240;
/** Jobs remembered (oldest first out): bounds memory at ~200 × 240 samples. */
const MAX_JOBS = 200;
/** Sampling period: the engine's own tick (engine.ts TICK_MS), so a job of a few seconds still draws a line. */
export const SAMPLE_MS = 250;

/**
 * The task rate over each job's life, for the console's chart (issue 11). The job database keeps only
 * counters, so this process samples the counters of running jobs four times a second and keeps them in memory:
 * a restart forgets the history (the chart then starts at the restart), and in a cluster each node's
 * console shows what its own process saw.
 */
export class RateHistory {
  private readonly samples = new Map<string, Sample[]>();

  record(jobId: string, at: number, done: number): void {
    let list = this.samples.get(jobId);
    if (list === undefined) {
      list = [];
      this.samples.set(jobId, list);
      if (this.samples.size > MAX_JOBS) this.samples.delete(this.samples.keys().next().value as string);
    }
    const last = list[list.length - 1];
    if (last !== undefined && last.done === done && list.length > 1 && list[list.length - 2]?.done === done) {
      list[list.length - 1] = { at, done }; // a flat stretch: move its end instead of adding points
      return;
    }
    list.push({ at, done });
    if (list.length > MAX_POINTS)
      this.samples.set(
        jobId,
        list.filter((_, i) => i % 2 === 0 || i === list.length - 1),
      );
  }

  rates(jobId: string): RatePoint[] {
    const list = this.samples.get(jobId) ?? [];
    const out: RatePoint[] = [];
    for (let i = 1; i < list.length; i++) {
      const a = list[i - 1] as Sample;
      const b = list[i] as Sample;
      if (b.at > a.at)
        out.push({ at: b.at, perSecond: (Math.max(0, b.done - a.done) * 1000) / (b.at - a.at) });
    }
    return out;
  }

  /** One sampling pass over the running jobs. */
  async sample(repo: Pick<JobRepo, 'findByStatus'>, clock: Clock): Promise<void> {
    const now = clock.now();
    for (const job of await repo.findByStatus(RUNNING)) {
      this.record(job.jobId, now, Math.max(0, job.succeededTasks) + Math.max(0, job.failedTasks));
    }
  }
}
