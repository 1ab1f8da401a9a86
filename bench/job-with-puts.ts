/**
 * A job's execute rate and the PUT latency while clients PUT back to back, each PUT waiting for its fsync:
 * what the engine's waits for a request's reply (src/http/reply-hold.ts) cost a job, and give the PUTs. A
 * 200k-task PutObjectTagging job on SQLite and the built-in store, in one process with its server (the test
 * harness's), and `--putters` clients PUTting 1 KiB objects into another bucket until the job completes.
 *
 *   npx tsx bench/job-with-puts.ts [--putters 4] [--tree <checkout>]
 *
 * `--tree` runs another checkout's server (its src/ through tsx, as its tests do), so two builds alternate
 * from one copy of this script (docs/performance.md, fourteenth pass). Prints one JSON line.
 */
import path from 'node:path';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const tree = path.resolve(arg('tree', path.join(import.meta.dirname, '..')));
const putters = Number(arg('putters', '4'));
const OBJECTS = 200_000;

const h = (await import(
  path.join(tree, 'test/helpers/server.ts')
)) as typeof import('../test/helpers/server.js');
const hx = (await import(
  path.join(tree, 'test/engine/harness.ts')
)) as typeof import('../test/engine/harness.js');

const ts = await h.startTestServer();
const roleArn = await h.seedObjectsAndTagger(ts, OBJECTS);
await ts.server.store.createBucket({
  name: 'uploads',
  owner: ts.root.accountId,
  acl: 'private',
  storageClass: 'Standard',
});
const up = ts.client({ bucket: 'uploads' });
const client = ts.client();
const body = hx.jobXml({ operation: hx.TAG_OP, prefix: { bucket: 'src', prefix: 'k/' }, roleArn });
const created = await h.jobRequest(client, 'CreateJob', { body });
const jobId = /<JobId>([^<]+)<\/JobId>/.exec(created.xml)?.[1] ?? '';

const latencies: number[] = [];
let stop = false;
const object = Buffer.alloc(1024, 'x');
const putting = Array.from({ length: putters }, async (_, w) => {
  for (let i = 0; !stop; i++) {
    const since = performance.now();
    await up.put(`w${w}-${i}`, object);
    latencies.push(performance.now() - since);
  }
});

const started = performance.now();
let status = '';
let succeeded = 0;
// The job's own DescribeJob every 50 ms until it ends (at most 2 min).
while (performance.now() - started < 120_000) {
  const d = await h.jobRequest(client, 'DescribeJob', { jobId });
  status = /<Status>([^<]+)<\/Status>/.exec(d.xml)?.[1] ?? '';
  succeeded = Number(/<NumberOfTasksSucceeded>(\d+)</.exec(d.xml)?.[1] ?? 0);
  if (status === 'Complete' || status === 'Failed') break;
  await new Promise((r) => setTimeout(r, 50));
}
const seconds = (performance.now() - started) / 1000;
stop = true;
await Promise.all(putting);
latencies.sort((a, b) => a - b);
const pct = (q: number): number => Number((latencies[Math.floor(latencies.length * q)] ?? NaN).toFixed(1));
console.log(
  JSON.stringify({
    tree,
    status,
    succeeded,
    seconds: Number(seconds.toFixed(2)),
    tasks_per_s: Math.round(succeeded / seconds),
    puts: latencies.length,
    puts_per_s: Math.round(latencies.length / seconds),
    put_p50_ms: pct(0.5),
    put_p99_ms: pct(0.99),
  }),
);
await ts.close();
process.exit(0);
