/**
 * Store baseline: seed n metadata-only objects, then apply n PutObjectTagging changes through
 * ObjectStore.applyBatch in key-sorted batches of 1000 (ARCHITECTURE.md §4 expects ~380k rows/s on a
 * 2-core machine). The jobs benchmark compares the engine's end-to-end rate against this figure.
 *
 * Run by hand: `npx tsx bench/store-baseline.ts 50000 [DIST_DIR]` prints one JSON line. DIST_DIR (default
 * this tree's dist/) lets the jobs bench's `--dist` measure another build's store with the same runner.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ObjectChange } from '../src/store/object-store.js';
import type { Tag } from '../src/store/types.js';

const BATCH = 1000;
const SEED_BATCH = 10_000;

/** This thread's CPU time so far, ns (Linux /proc schedstat), or undefined where there is none. */
function threadCpuNs(): number | undefined {
  // getrusage brings this thread's runtime up to date first (schedstat shows it as of the last tick).
  process.cpuUsage();
  try {
    return Number(fs.readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]);
  } catch {
    return undefined;
  }
}

export async function measureBaseline(
  n: number,
  distDir?: string,
): Promise<{ updatesPerS: number; cpuUsPerUpdate?: number }> {
  const dist = path.resolve(distDir ?? path.join(import.meta.dirname, '..', 'dist'));
  const load = (file: string): Promise<any> => import(pathToFileURL(path.join(dist, file)).href);
  const [{ createBackend }, { systemClock }, { createBuiltinStoreFor }] = await Promise.all([
    load('db/backend.js'),
    load('protocol/clock.js'),
    load('server.js'),
  ]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-bench-'));
  // The same factory and store wiring the server uses (src/server.ts), on an embedded backend.
  const backend = await createBackend({ db: { kind: 'sqlite' }, dataDir: dir });
  try {
    const builtin = await createBuiltinStoreFor(backend, {
      dataDir: dir,
      clock: systemClock,
      region: 'cn-hangzhou',
      restoreDurationMs: 0,
      // The raw rate: SQLite checkpointing inline on the calling thread, as it does by itself. The server
      // copies the engine's WAL frames on a thread (src/db/sqlite/wal-checkpointer.ts); the ratio measures
      // what the engine makes of the store against this.
      walCheckpointThread: false,
    });
    const store = builtin.store;
    const bucket = 'bench';
    await store.createBucket({ name: bucket, owner: '1', acl: 'private', storageClass: 'Standard' });
    // Zero-padded keys: numeric order = byte order, so batches are key-sorted like a sorted manifest.
    const keyOf = (i: number): string => `data/${String(i).padStart(10, '0')}.bin`;
    for (let from = 0; from < n; from += SEED_BATCH) {
      const to = Math.min(n, from + SEED_BATCH);
      await store.seedObjects(
        bucket,
        Array.from({ length: to - from }, (_, j) => ({ key: keyOf(from + j) })),
      );
    }
    // One job-wide tag array, as the engine passes it (validated and encoded once).
    const tags: readonly Tag[] = [
      { key: 'project', value: 'ossbatch' },
      { key: 'tier', value: 'bench' },
    ];
    const start = performance.now();
    const cpuStart = threadCpuNs();
    let failed = 0;
    for (let from = 0; from < n; from += BATCH) {
      const to = Math.min(n, from + BATCH);
      const changes: ObjectChange[] = [];
      for (let i = from; i < to; i += 1)
        changes.push({ bucket, key: keyOf(i), op: { kind: 'putTags', tags } });
      const results = await store.applyBatch(changes);
      for (const r of results) if (!r.ok) failed += 1;
    }
    const seconds = (performance.now() - start) / 1000;
    const cpuEnd = threadCpuNs();
    if (failed > 0) throw new Error(`${failed} of ${n} tag updates failed`);
    await builtin.close();
    return {
      updatesPerS: Math.round(n / seconds),
      // The calling thread's CPU per update: the baseline's side of the CPU-based ratio (bench/jobs.ts).
      ...(cpuStart !== undefined && cpuEnd !== undefined
        ? { cpuUsPerUpdate: (cpuEnd - cpuStart) / 1000 / n }
        : {}),
    };
  } finally {
    await backend.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const n = Number(process.argv[2] ?? 50_000);
  const result = await measureBaseline(n, process.argv[3]);
  console.log(JSON.stringify({ bench: 'store-baseline', n, batch: BATCH, ...result }));
}
