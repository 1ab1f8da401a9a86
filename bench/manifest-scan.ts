/**
 * Planning a CSV manifest through the built-in store's scanObject (two reused buffers) against its
 * readObject stream (a new 64 KiB buffer per read), alternately in one process: the time planManifest
 * takes, and how much `external` memory it leaves behind (read buffers no scavenge has collected yet),
 * measured from a full GC before it. docs/performance.md, seventh pass.
 *
 *   node --expose-gc --import tsx bench/manifest-scan.ts [rows=1000000] [rounds=8] [DIST_DIR]   → one JSON line
 *
 * Without --expose-gc the memory figures are null.
 *
 * The job's role is allowed everything (a stub IAM): the figure is the read and the row checks.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';

const rows = Number(process.argv[2] ?? 1_000_000);
const rounds = Number(process.argv[3] ?? 8);
const dist = path.resolve(process.argv[4] ?? path.join(import.meta.dirname, '..', 'dist'));
const load = (file: string): Promise<any> => import(pathToFileURL(path.join(dist, file)).href);
const [{ createBackend }, { systemClock }, { createBuiltinStoreFor }, { planManifest }] = await Promise.all([
  load('db/backend.js'),
  load('protocol/clock.js'),
  load('server.js'),
  load('engine/manifest/index.js'),
]);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-bench-'));
const backend = await createBackend({ db: { kind: 'sqlite' }, dataDir: dir });
const builtin = await createBuiltinStoreFor(backend, {
  dataDir: dir,
  clock: systemClock,
  region: 'cn-hangzhou',
  restoreDurationMs: 0,
});
const store = builtin.store;
await store.createBucket({ name: 'manifests', owner: '1', acl: 'private', storageClass: 'Standard' });
const lines = Array.from({ length: rows }, (_, i) => `bench,data/${String(i).padStart(10, '0')}.bin\n`);
await store.putObject({
  bucket: 'manifests',
  key: 'm.csv',
  body: Readable.from([Buffer.from(lines.join(''))]),
});
lines.length = 0;

const iam = {
  authorize: () => Promise.resolve('allow'),
  roleAsPrincipal: (role: unknown) => role,
  findRoleByArn: () => Promise.resolve({ arn: 'acs:ram::1:role/bench' }),
};
const job = {
  jobId: 'bench',
  accountId: '1',
  status: 'Preparing',
  spec: {
    roleArn: 'acs:ram::1:role/bench',
    manifest: { bucket: 'manifests', object: 'm.csv', format: 'OSS_BatchOperations_CSV_20250611' },
    operation: { kind: 'DeleteObjectTagging' },
    report: { enabled: false, scope: 'AllTasks' },
  },
};
const deps = { store, iam, clock: systemClock, region: 'cn-hangzhou' };
const scanObject = store.scanObject?.bind(store);
if (!scanObject) throw new Error('this build has no scanObject');

const gc = (globalThis as { gc?: () => void }).gc;
const externalMb = (): number => process.memoryUsage().external / 2 ** 20;
const results: Record<'scan' | 'stream', { ms: number[]; external_mb: (number | null)[] }> = {
  scan: { ms: [], external_mb: [] },
  stream: { ms: [], external_mb: [] },
};
for (let round = 0; round < 2 * rounds; round++) {
  const mode = round % 2 === 0 ? 'scan' : 'stream';
  store.scanObject = mode === 'scan' ? scanObject : undefined;
  // Array buffers are freed by a sweeper after the GC: settle it before reading the baseline.
  gc?.();
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 50));
    gc?.();
  }
  const before = externalMb();
  const t = performance.now();
  const { totalTasks } = await planManifest(deps, job, 5000, () => undefined);
  const ms = performance.now() - t;
  if (totalTasks !== rows) throw new Error(`planned ${totalTasks} of ${rows}`);
  results[mode].ms.push(Math.round(ms * 10) / 10);
  results[mode].external_mb.push(gc ? Math.round(externalMb() - before) : null);
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
console.log(
  JSON.stringify({
    bench: 'manifest-scan',
    rows,
    rounds,
    scan_ms: results.scan.ms,
    stream_ms: results.stream.ms,
    scan_median_ms: median(results.scan.ms),
    stream_median_ms: median(results.stream.ms),
    // External memory the planning left uncollected, MB.
    scan_external_mb: results.scan.external_mb,
    stream_external_mb: results.stream.external_mb,
  }),
);
await builtin.close();
await backend.close();
fs.rmSync(dir, { recursive: true, force: true });
