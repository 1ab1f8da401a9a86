/**
 * The jobs bench's client side of a DescribeJob's time, for bench/describe-split.ts: when
 * $OSSBATCH_DESCRIBE_TIMING_OUT is set (the server's bench/describe-timing-preload.mjs writes that file),
 * the client process (bench/job-client-process.ts) appends one line per DescribeJob to `<file>.client.jsonl`:
 *
 *   { phase, at, ms, sent, got, gc }
 *
 * - `phase`: the bench's loop ('warm-up', 'idle' or 'job');
 * - `at`: when the call began, in ms since the epoch (performance.timeOrigin + now(), comparable with the
 *   server's to a fraction of a millisecond);
 * - `ms`: the whole call as the bench counts it;
 * - `sent`: ms until ali-oss had signed it and Node's request started (`http.client.request.start`);
 * - `got`: ms until the response's head reached this process's loop (`http.client.response.finish`);
 * - `gc`: ms of this process's garbage collection during the call.
 * Two diagnostics-channel subscriptions and a GC observer: no timer, so the client is not woken any more
 * often than without it.
 */
import { subscribe } from 'node:diagnostics_channel';
import fs from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';

/** The bench's DescribeJob loop a call belongs to (jobs.ts: 100 warm-up, 200 idle, then the job). */
export type DescribePhase = 'warm-up' | 'idle' | 'job';

export interface ClientTiming {
  /** Marks the start of one DescribeJob; returns what ends it (with the call's ms). */
  begin(phase: DescribePhase): (ms: number) => void;
  /** Writes the calls gathered so far (after a describe loop, off the measured calls). */
  flush(): Promise<void>;
}

/** A pause (GC): [start, ms], by one clock. */
export type Pause = [at: number, ms: number];

/** ms of `pauses` within [from, to], the same clock. */
export const pausedWithin = (pauses: readonly Pause[], from: number, to: number): number =>
  pauses.reduce((sum, [at, ms]) => sum + Math.max(0, Math.min(to, at + ms) - Math.max(from, at)), 0);

interface Call {
  phase: DescribePhase;
  t: number;
  ms: number;
  sent: number | undefined;
  got: number | undefined;
}

/**
 * `sent` and `got` are the process's: right because the bench's calls never overlap (each loop and each
 * other call is awaited before the next starts).
 */
export function clientTiming(out: string | undefined): ClientTiming | undefined {
  if (!out) return undefined;
  const file = `${out}.client.jsonl`;
  fs.writeFileSync(file, ''); // one run's calls: the client process is forked once per run
  let sent: number | undefined;
  let got: number | undefined;
  subscribe('http.client.request.start', () => (sent ??= performance.now()));
  subscribe('http.client.response.finish', () => (got ??= performance.now()));
  const gcs: Pause[] = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push([e.startTime, e.duration]);
  }).observe({ entryTypes: ['gc'] });
  const calls: Call[] = [];
  return {
    begin(phase) {
      const t = performance.now();
      sent = undefined;
      got = undefined;
      return (ms) => calls.push({ phase, t, ms, sent, got });
    },
    async flush() {
      // Node hands GC entries to observers in a later turn: a GC in a call's last stretch (ali-oss parsing
      // the body) arrives after the call ended, so the calls' GC is counted only here.
      for (let i = 0; i < 2; i++) await new Promise((r) => setImmediate(r));
      const lines = calls.map(({ phase, t, ms, sent, got }) => {
        const rel = (v: number | undefined): number | null => (v === undefined ? null : v - t);
        const at = performance.timeOrigin + t;
        return JSON.stringify({
          phase,
          at,
          ms,
          sent: rel(sent),
          got: rel(got),
          gc: pausedWithin(gcs, t, t + ms),
        });
      });
      calls.length = 0;
      gcs.length = 0;
      if (lines.length > 0) fs.appendFileSync(file, lines.join('\n') + '\n');
    },
  };
}
