/**
 * What stalls the event loop at 64 connections (issue 10, fourth pass): one ossbatch server run with
 * `--trace-gc`, loaded like `bench:http` (autocannon, `--connections` 64, `--seconds` 8) for one case, then
 * its event-loop delay p99 (as bench:http reads it) beside its GC pauses during the run: count, p50/p99/max
 * pause and total, by kind (Scavenge, Mark-Compact).
 *
 *   npx tsx bench/http-gc.ts [--case presigned_get|head_object_v4|get_object_tagging_v4] [--connections 64]
 *     [--seconds 8] [--dist DIR] [--node-arg FLAG]… [--show PATTERN]
 *
 * `--show PATTERN` prints the server's output lines (warm-up included) that match, e.g. with
 * `--node-arg --trace-pretenuring --show pretenur` the allocation sites V8 decided to allocate in old space.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { load } from './http-cases.js';
import { startOneCase } from './http-one-case.js';
import { scrapeLoopDelayP99 } from './http-targets.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const quantile = (sorted: number[], q: number): number =>
  sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);

async function main(): Promise<void> {
  const which = arg('case', 'presigned_get');
  const connections = Number(arg('connections', '64'));
  const seconds = Number(arg('seconds', '8'));
  const checkout = path.resolve(arg('dist', path.join(import.meta.dirname, '..')));
  // Extra V8/Node flags for the server (`--node-arg --max-semi-space-size=8`, repeatable).
  const nodeArgs = process.argv.flatMap((a, i) => (a === '--node-arg' ? [process.argv[i + 1] ?? ''] : []));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-bench-gc-'));
  const server = await startOneCase({
    checkout,
    dataDir,
    nodeArgs: [...nodeArgs, '--trace-gc'],
    which,
    connections,
  });
  const { child, port, spec } = server;
  await load(spec(2)); // warm-up
  await scrapeLoopDelayP99(port);
  const from = server.output().length;
  const result = await load(spec(seconds));
  const loopP99 = await scrapeLoopDelayP99(port);
  const out = server.output();
  const gcLines = out.slice(from).split('\n');
  const show = arg('show', '');
  if (show !== '') for (const l of out.split('\n')) if (l.includes(show)) console.log(`  > ${l.trim()}`);
  child.kill('SIGTERM');
  // One line of each kind: V8 names the reason at the end (allocation failure, external memory pressure, …).
  for (const kind of ['Scavenge', 'Mark-Compact']) {
    const sample = gcLines.find((l) => l.includes(kind));
    if (sample !== undefined) console.log(`  e.g. ${sample.trim()}`);
  }
  const pauses = new Map<string, number[]>();
  for (const line of gcLines) {
    // `[pid:0x…]  12345 ms: Scavenge 10.2 (12.3) -> 9.8 (12.3) MB, 0.85 / 0.00 ms  (…)`
    const m = /ms: (Scavenge|Mark-Compact|Minor Mark-Compact|Mark-sweep)[^,]*, ([\d.]+) \/ ([\d.]+) ms/.exec(
      line,
    );
    if (m?.[1] === undefined) continue;
    const list = pauses.get(m[1]) ?? [];
    list.push(Number(m[2]));
    pauses.set(m[1], list);
  }
  console.log(
    `${which}: ${connections} connections, ${result.rps.toFixed(0)} req/s, loop delay p99 ${loopP99?.toFixed(1)} ms, load ${os.loadavg()[0]?.toFixed(2)}`,
  );
  for (const [kind, list] of pauses) {
    const sorted = [...list].sort((a, b) => a - b);
    const total = sorted.reduce((a, b) => a + b, 0);
    console.log(
      `  ${kind}: ${sorted.length} pauses (${(sorted.length / seconds).toFixed(1)}/s), p50 ${quantile(sorted, 0.5).toFixed(2)} p99 ${quantile(sorted, 0.99).toFixed(2)} max ${(sorted.at(-1) ?? 0).toFixed(2)} ms, total ${total.toFixed(0)} ms (${((total / (seconds * 1000)) * 100).toFixed(1)}% of the run)`,
    );
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0), // the seeding client's keep-alive agent would hold the process open
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
