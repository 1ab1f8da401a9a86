/**
 * Bucket catalog read cost (`npm run bench:catalog`, optionally `-- --db postgres://postgres@127.0.0.1:5432`):
 * what a request over a remote store pays for the catalog reads ossbatch does not cache: `get` (the bucket
 * row: RemoteStore checks it on PutObject, CopyObject, ListObjects, and on a miss of the HTTP layer's bucket
 * cache) and `getDocument('cors')` (every request carrying an Origin header, and every preflight).
 * Sequential calls give the latency one request adds; 64 in flight give the throughput one node gets.
 * Prints microseconds per call and calls/s; `--json` prints one JSON line instead.
 * Options: --calls N (5000), --db URL (default embedded SQLite), --json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBackend } from '../src/db/backend.js';
import { openBenchDb } from './bench-db.js';

function arg(name: string, fallback: string | undefined): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const CALLS = Number(arg('calls', '5000'));
const IN_FLIGHT = 64;

async function timeSequential(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < CALLS; i += 1) await fn();
  return ((performance.now() - start) * 1000) / CALLS;
}

async function timeConcurrent(fn: () => Promise<unknown>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < CALLS) {
        next += 1;
        await fn();
      }
    }),
  );
  return CALLS / ((performance.now() - start) / 1000);
}

async function main(): Promise<void> {
  const benchDb = await openBenchDb(arg('db', undefined));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-bench-catalog-'));
  const backend = await createBackend({ db: benchDb.db, dataDir });
  try {
    const c = backend.bucketCatalog;
    await c.insert({
      name: 'bench-bucket',
      owner: '1',
      acl: 'private',
      storageClass: 'Standard',
      region: 'cn-hangzhou',
      createdAt: Date.now(),
      policy: null,
    });
    await c.setDocument('bench-bucket', 'cors', JSON.stringify({ rules: [], responseVary: false }));
    const get = () => c.get('bench-bucket');
    const cors = () => c.getDocument('bench-bucket', 'cors');
    await timeSequential(get); // warm-up: connections, prepared statements
    const result = {
      db: benchDb.db.kind,
      calls: CALLS,
      get_us: Math.round(await timeSequential(get)),
      cors_us: Math.round(await timeSequential(cors)),
      get_per_s_64: Math.round(await timeConcurrent(get)),
      cors_per_s_64: Math.round(await timeConcurrent(cors)),
    };
    if (process.argv.includes('--json')) console.log(JSON.stringify(result));
    else {
      console.log(`bucket catalog on ${benchDb.label}, ${CALLS} calls each`);
      console.log(
        `  get (bucket row)       ${result.get_us} µs/call sequential, ${result.get_per_s_64}/s with 64 in flight`,
      );
      console.log(
        `  getDocument('cors')    ${result.cors_us} µs/call sequential, ${result.cors_per_s_64}/s with 64 in flight`,
      );
    }
  } finally {
    await backend.close();
    await benchDb.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
