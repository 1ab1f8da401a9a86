/**
 * What one request allocates (issue 10, fifth pass): one ossbatch server loaded like `bench:http`
 * (autocannon, `--connections` 64, `--seconds` 5) for one case while the inspector's sampling heap profiler
 * counts every allocation, collected or not (bench/heap-sampling-preload.mjs), then bytes per request by the
 * function that allocated them (self) and by every function on the stack (inclusive), bench/heap-summary.ts.
 *
 *   npx tsx bench/http-heap.ts [--case presigned_get|head_object_v4|get_object_tagging_v4] [--seconds 5]
 *     [--dist DIR] [--top 40] [--out FILE.heapprofile] [--node-arg FLAG]… [--promoted-only]
 *
 * V8's sampler names the frame that allocated, and an inlined function's allocations go to the function it
 * was inlined into: `--node-arg --no-turbo-inlining` splits them (and costs some speed).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { load } from './http-cases.js';
import { startOneCase } from './http-one-case.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

async function main(): Promise<void> {
  const which = arg('case', 'presigned_get');
  const connections = Number(arg('connections', '64'));
  const seconds = Number(arg('seconds', '5'));
  const checkout = path.resolve(arg('dist', path.join(import.meta.dirname, '..')));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-bench-heap-'));
  const out = path.resolve(arg('out', path.join(dataDir, `${which}.heapprofile`)));
  process.env.OSSBATCH_HEAP_PROFILE = out;
  // --promoted-only: what survived the scavenges (bench/heap-sampling-preload.mjs).
  if (process.argv.includes('--promoted-only')) process.env.OSSBATCH_HEAP_PROMOTED_ONLY = '1';
  const preload = path.join(import.meta.dirname, 'heap-sampling-preload.mjs');
  const nodeArgs = process.argv.flatMap((a, i) => (a === '--node-arg' ? [process.argv[i + 1] ?? ''] : []));
  const { child, spec } = await startOneCase({
    checkout,
    dataDir,
    nodeArgs: [...nodeArgs, '--import', preload],
    which,
    connections,
  });
  await load(spec(2)); // warm-up: code compiled, caches filled
  child.kill('SIGUSR2');
  await new Promise((r) => setTimeout(r, 200)); // the profiler starts
  const result = await load(spec(seconds));
  child.kill('SIGUSR2');
  while (!fs.existsSync(out)) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 500)); // written in one call; let it finish
  child.kill('SIGTERM');
  console.log(
    `${which}: ${result.requests} requests (${result.rps.toFixed(0)} req/s), load ${os.loadavg()[0]?.toFixed(2)}${arg('out', '') === '' ? '' : `, profile ${out}`}`,
  );
  const summary = path.join(import.meta.dirname, 'heap-summary.ts');
  console.log(
    execFileSync(
      process.execPath,
      ['--import', 'tsx', summary, out, arg('top', '40'), String(result.requests)],
      {
        encoding: 'utf8',
      },
    ),
  );
  if (arg('out', '') === '') fs.rmSync(dataDir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0), // the seeding client's keep-alive agent would hold the process open
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
