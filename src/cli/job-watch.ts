import { SingleBar } from 'cli-progress';
import type { OssBatchClient } from '../client/client.js';
import { TERMINAL_STATUSES, type Job } from '../client/types.js';
import type { CliIo } from './output.js';

/** Progress since the first sample: tasks done (succeeded + failed), rate and ETA. */
export interface Progress {
  readonly done: number;
  readonly total: number;
  readonly failed: number;
  readonly ratePerSecond: number;
  /** Seconds, undefined while the rate or total is unknown. */
  readonly etaSeconds: number | undefined;
}

export function progressOf(job: Job, first: { at: number; done: number }, now: number): Progress {
  const p = job.progress;
  const done = Math.max(0, p.succeededTasks) + Math.max(0, p.failedTasks);
  const elapsed = (now - first.at) / 1000;
  const ratePerSecond = elapsed > 0 ? Math.max(0, done - first.done) / elapsed : 0;
  const remaining = p.totalTasks >= 0 ? p.totalTasks - done : undefined;
  const etaSeconds =
    remaining === 0
      ? 0
      : remaining !== undefined && ratePerSecond > 0
        ? Math.ceil(remaining / ratePerSecond)
        : undefined;
  return { done, total: p.totalTasks, failed: Math.max(0, p.failedTasks), ratePerSecond, etaSeconds };
}

const fmtEta = (s: number | undefined): string =>
  s === undefined ? '?' : s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${s % 60}s`;

/** The plain (non-TTY) progress line. */
export function plainLine(job: Job, p: Progress, now: number): string {
  const total = p.total >= 0 ? String(p.total) : '?';
  const pct = p.total > 0 ? ` (${((100 * p.done) / p.total).toFixed(1)}%)` : '';
  return `${new Date(now).toISOString()} job ${job.jobId} ${job.status} done ${p.done}/${total}${pct} failed ${p.failed} rate ${p.ratePerSecond.toFixed(1)}/s eta ${fmtEta(p.etaSeconds)}\n`;
}

/** The summary printed when the job reaches a terminal status. */
export function finalLine(job: Job): string {
  const p = job.progress;
  const reasons = job.failures.map((f) => `; ${f.code}: ${f.reason}`).join('');
  const none = p.totalTasks === 0 ? ' (no objects matched)' : '';
  return `job ${job.jobId} ${job.status}: ${Math.max(0, p.succeededTasks)} succeeded, ${Math.max(0, p.failedTasks)} failed of ${p.totalTasks >= 0 ? p.totalTasks : '?'} tasks${none}${reasons}\n`;
}

interface Reporter {
  update(job: Job, p: Progress): void;
  stop(): void;
}

/** 12345 → 12.3k, 2500000 → 2.5M: counts that keep the bar line short. */
export function humanCount(n: number): string {
  if (n < 10_000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/**
 * The TTY bar. Status, percentage and ETA come first: a terminal narrower than the line cuts its end
 * (cli-progress truncates to the width), so in 80 columns the user still sees what matters (issue 11).
 * The bar takes what the rest leaves, 10 to 30 cells.
 */
export function barFormat(columns: number): { format: string; barsize: number } {
  return {
    format: '{status} {percentage}% ETA {remaining} {bar} {done}/{all} tasks {rate}/s failed {failed}',
    barsize: Math.max(10, Math.min(30, columns - 58)),
  };
}

function barReporter(io: CliIo): Reporter {
  const columns = (io.stdout as { columns?: number }).columns ?? 80;
  const bar = new SingleBar({
    ...barFormat(columns),
    stream: io.stdout as NodeJS.WritableStream,
    hideCursor: true,
    clearOnComplete: false,
  });
  let started = false;
  return {
    update(job, p) {
      const payload = {
        rate: p.ratePerSecond.toFixed(1),
        remaining: fmtEta(p.etaSeconds),
        failed: humanCount(p.failed),
        status: job.status,
        done: humanCount(p.done),
        all: p.total >= 0 ? humanCount(p.total) : '?',
      };
      if (!started) {
        bar.start(Math.max(p.total, 0), p.done, payload);
        started = true;
        return;
      }
      if (p.total >= 0) bar.setTotal(p.total);
      bar.update(p.done, payload);
    },
    stop: () => bar.stop(),
  };
}

function plainReporter(io: CliIo): Reporter {
  return { update: (job, p) => void io.stdout.write(plainLine(job, p, io.now())), stop: () => undefined };
}

/**
 * One-time notes on stderr (they never replace the progress on stdout): a job that waits for confirmation
 * says how to confirm it; a planned job with 0 tasks says its manifest or prefix matched nothing.
 */
function noticesFor(io: CliIo): (job: Job) => void {
  const said = new Set<string>();
  const once = (key: string, text: string): void => {
    if (said.has(key)) return;
    said.add(key);
    io.stderr.write(`ossbatch: ${text}\n`);
  };
  return (job) => {
    if (job.status === 'Suspended') {
      once(
        'suspended',
        `job ${job.jobId} is Suspended, waiting for confirmation: run \`ossbatch job confirm ${job.jobId}\` to run it (or \`ossbatch job cancel ${job.jobId}\`)`,
      );
    }
    if (job.progress.totalTasks === 0) {
      once('empty', `job ${job.jobId} has 0 tasks: its manifest or prefix matched no objects`);
    }
  };
}

/** Polls DescribeJob every intervalMs until the job is terminal; returns its last state. */
export async function watchJob(
  client: OssBatchClient,
  jobId: string,
  io: CliIo,
  intervalMs: number,
): Promise<Job> {
  const reporter = io.stdout.isTTY ? barReporter(io) : plainReporter(io);
  const notice = noticesFor(io);
  let first: { at: number; done: number } | undefined;
  try {
    for (;;) {
      const job = await client.describeJob(jobId);
      const now = io.now();
      const p0 = job.progress;
      first ??= { at: now, done: Math.max(0, p0.succeededTasks) + Math.max(0, p0.failedTasks) };
      reporter.update(job, progressOf(job, first, now));
      notice(job);
      if (TERMINAL_STATUSES.includes(job.status)) return job;
      await io.sleep(intervalMs);
    }
  } finally {
    reporter.stop();
  }
}
