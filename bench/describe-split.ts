/**
 * Where a DescribeJob's time goes at the client, part by part, from one jobs-bench run with the
 * describe-timing preload (the server's side) and the client's timeline (bench/describe-client-timeline.ts):
 *
 *   OSSBATCH_DESCRIBE_TIMING_OUT=d.json npx tsx bench/jobs.ts --json [--db postgres://…] \
 *     --node-flags "--import ./bench/describe-timing-preload.mjs"
 *   npx tsx bench/describe-split.ts d.json
 *
 * Parts of each call, by the clock both processes share (to a fraction of a millisecond; a part can read
 * slightly negative):
 *   sign       the client: ali-oss builds and signs the request, until Node's request starts;
 *   to_server  until the server's loop reads it (the socket, and whatever the server's loop or the
 *              machine's cores were busy with);
 *   server     the server, from Node's `request` event until it hands the response to Node (`res.end`),
 *              less its query;
 *   query      its job-row query on PostgreSQL, sent to answered (0 on SQLite);
 *   to_client  until the response's head reaches the client's loop (the socket, and the client process
 *              waiting for a core);
 *   parse      the client: ali-oss reads the body and parses the XML.
 * Prints, for the calls made while the job ran (`job`: the bench's describe_p99_ms) and for the idle
 * control (`idle`: describe_idle_p99_ms; the warm-up calls before it are left out, as the bench does),
 * p50 / p90 / p99 / max of each part and of the garbage collection during the call (the client's, in
 * its own process; the server's, while the request was out of the client's hands), then the slowest calls
 * with their parts and both.
 */
import fs from 'node:fs';
import { pausedWithin, type DescribePhase, type Pause } from './describe-client-timeline.js';

interface ClientCall {
  phase: DescribePhase;
  at: number;
  ms: number;
  sent: number | null;
  got: number | null;
  gc: number;
}
type ServerRequest = [at: number, ms: number, queryMs: number | null];

const PARTS = ['sign', 'to_server', 'server', 'query', 'to_client', 'parse'] as const;
type Part = (typeof PARTS)[number];
interface Split {
  ms: number;
  gc: number;
  serverGc: number;
  phase: DescribePhase;
  parts: Record<Part, number>;
}

const file = process.argv[2];
if (file === undefined) throw new Error('usage: describe-split.ts <OSSBATCH_DESCRIBE_TIMING_OUT file>');
const serverSide = JSON.parse(fs.readFileSync(file, 'utf8')) as {
  requests?: ServerRequest[];
  gc?: Pause[];
};
const server = serverSide.requests ?? [];
const serverGcs = serverSide.gc ?? [];
const calls = fs
  .readFileSync(`${file}.client.jsonl`, 'utf8')
  .split('\n')
  .filter((l) => l !== '')
  .map((l) => JSON.parse(l) as ClientCall);

/** The client sends one call at a time: each call's request is the first the server saw within it. */
function match(): Split[] {
  const requests = [...server].sort((a, b) => a[0] - b[0]);
  const splits: Split[] = [];
  let i = 0;
  for (const c of calls) {
    if (c.sent === null || c.got === null) continue;
    // 1 ms of slack for the two processes' clocks.
    while (i < requests.length && requests[i]![0] < c.at - 1) i++;
    const r = requests[i];
    if (r === undefined || r[0] > c.at + c.ms) continue;
    i++;
    const [at, ms, queryMs] = r;
    splits.push({
      ms: c.ms,
      gc: c.gc,
      serverGc: pausedWithin(serverGcs, c.at + c.sent, c.at + c.got),
      phase: c.phase,
      parts: {
        sign: c.sent,
        to_server: at - (c.at + c.sent),
        server: ms - (queryMs ?? 0),
        query: queryMs ?? 0,
        to_client: c.at + c.got - (at + ms),
        parse: c.ms - c.got,
      },
    });
  }
  return splits;
}

const pct = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
};
const f = (v: number): string => v.toFixed(2).padStart(7);

const splits = match();
console.log(`${splits.length} of ${calls.length} client calls matched to ${server.length} server requests`);
for (const [name, list] of [
  ['job', splits.filter((s) => s.phase === 'job')],
  ['idle', splits.filter((s) => s.phase === 'idle')],
] as const) {
  if (list.length === 0) continue;
  console.log(`\n${name} (${list.length} calls)      p50     p90     p99     max`);
  const rows: [string, (s: Split) => number][] = [
    ['whole call', (s) => s.ms],
    ...PARTS.map((part): [string, (s: Split) => number] => [part, (s) => s.parts[part]]),
    ['client gc', (s) => s.gc],
    ['server gc', (s) => s.serverGc],
  ];
  for (const [label, of] of rows) {
    const values = list.map(of);
    console.log(
      `  ${label.padEnd(12)}${[0.5, 0.9, 0.99].map((p) => f(pct(values, p))).join(' ')} ${f(Math.max(...values))}`,
    );
  }
}
console.log(
  `\nslowest calls (ms)    whole${PARTS.map((p) => p.padStart(10)).join('')}  client gc  server gc`,
);
for (const s of splits
  .filter((x) => x.phase !== 'warm-up')
  .sort((a, b) => b.ms - a.ms)
  .slice(0, 8)) {
  const parts = PARTS.map((p) => f(s.parts[p]).padStart(10)).join('');
  console.log(`  ${s.phase.padEnd(7)}          ${f(s.ms)}${parts}    ${f(s.gc)}    ${f(s.serverGc)}`);
}
