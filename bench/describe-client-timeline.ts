/**
 * The jobs bench's client side of a DescribeJob's time, for bench/describe-split.ts: when
 * $OSSBATCH_DESCRIBE_TIMING_OUT is set (the server's bench/describe-timing-preload.mjs writes that file),
 * the client process (bench/job-client-process.ts) appends one line per DescribeJob to `<file>.client.jsonl`:
 *
 *   { at, ms, sent, got, gc }
 *
 * `at`: when the call began, in ms since the epoch (performance.timeOrigin + now(), comparable with the
 * server's to a fraction of a millisecond); `ms`: the whole call as the bench counts it; `sent`: ms until
 * ali-oss had signed it and Node's request started (`http.client.request.start`); `got`: ms until the
 * response's head reached this process's loop (`http.client.response.finish`); `gc`: ms of this process's
 * garbage collection during the call. Two diagnostics-channel subscriptions and a GC observer: no timer,
 * so the client is not woken any more often than without it.
 */
import { subscribe } from 'node:diagnostics_channel';
import fs from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';

export interface ClientTiming {
  /** Marks the start of one DescribeJob; returns what ends it (with the call's ms). */
  begin(): (ms: number) => void;
  /** Writes the lines gathered so far (after a describe loop, off the measured calls). */
  flush(): void;
}

export function clientTiming(out: string | undefined): ClientTiming | undefined {
  if (!out) return undefined;
  const file = `${out}.client.jsonl`;
  fs.writeFileSync(file, ''); // one run's calls: the client process is forked once per run
  let sent: number | undefined;
  let got: number | undefined;
  subscribe('http.client.request.start', () => (sent ??= performance.now()));
  subscribe('http.client.response.finish', () => (got ??= performance.now()));
  const gcs: { start: number; end: number }[] = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push({ start: e.startTime, end: e.startTime + e.duration });
  }).observe({ entryTypes: ['gc'] });
  const lines: string[] = [];
  return {
    begin() {
      const t = performance.now();
      sent = undefined;
      got = undefined;
      return (ms) => {
        const end = t + ms;
        const gc = gcs.reduce((sum, g) => sum + Math.max(0, Math.min(end, g.end) - Math.max(t, g.start)), 0);
        gcs.length = 0;
        const rel = (v: number | undefined): number | null => (v === undefined ? null : v - t);
        lines.push(
          JSON.stringify({ at: performance.timeOrigin + t, ms, sent: rel(sent), got: rel(got), gc }),
        );
      };
    },
    flush() {
      if (lines.length === 0) return;
      fs.appendFileSync(file, lines.join('\n') + '\n');
      lines.length = 0;
    },
  };
}
