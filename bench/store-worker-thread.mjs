// The store's applyBatch (tag updates, 1000-row key-sorted batches, as bench/store-baseline.ts) on the
// main thread against the same calls on a second connection to the same database file in a worker thread:
// the question behind issue 10's ratio target (the engine's store write off the event loop). Plain
// JavaScript on dist/ so that the worker thread needs no loader. Prints one JSON line per round:
// updates/s in place and in the worker (wall clock, the worker's start-up excluded).
//
//   npm run build && node bench/store-worker-thread.mjs [updates=200000] [rounds=3]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const dist = path.join(import.meta.dirname, '..', 'dist');
const load = (file) => import(pathToFileURL(path.join(dist, file)).href);
const { createBackend } = await load('db/backend.js');
const { systemClock } = await load('protocol/clock.js');
const { createBuiltinStoreFor } = await load('server.js');
const keyOf = (i) => `data/${String(i).padStart(10, '0')}.bin`;

async function openStore(dataDir) {
  const backend = await createBackend({ db: { kind: 'sqlite' }, dataDir });
  const builtin = await createBuiltinStoreFor(backend, {
    dataDir,
    clock: systemClock,
    region: 'cn-hangzhou',
    restoreDurationMs: 0,
  });
  return { store: builtin.store, close: async () => (await builtin.close(), await backend.close()) };
}

/** n tag updates through applyBatch; updates per second (wall clock). */
async function apply(store, n, value) {
  const tags = [
    { key: 'project', value: 'ossbatch' },
    { key: 'run', value },
  ];
  const t0 = performance.now();
  for (let from = 0; from < n; from += 1000) {
    const changes = [];
    for (let i = from; i < Math.min(n, from + 1000); i++)
      changes.push({ bucket: 'bench', key: keyOf(i), op: { kind: 'putTags', tags } });
    await store.applyBatch(changes);
  }
  return Math.round((n / (performance.now() - t0)) * 1000);
}

if (isMainThread) {
  const n = Number(process.argv[2] ?? 200_000);
  const rounds = Number(process.argv[3] ?? 3);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-bench-worker-'));
  const main = await openStore(dir);
  try {
    await main.store.createBucket({ name: 'bench', owner: '1', acl: 'private', storageClass: 'Standard' });
    for (let from = 0; from < n; from += 10_000) {
      const objects = Array.from({ length: Math.min(10_000, n - from) }, (_, j) => ({
        key: keyOf(from + j),
      }));
      await main.store.seedObjects('bench', objects);
    }
    for (let round = 1; round <= rounds; round++) {
      const inPlace = await apply(main.store, n, `main-${round}`);
      const inWorker = await new Promise((resolve, reject) => {
        const w = new Worker(new URL(import.meta.url), { workerData: { dir, n, round } });
        w.once('message', resolve);
        w.once('error', reject);
      });
      console.log(
        JSON.stringify({ round, updates: n, in_place_per_s: inPlace, worker_thread_per_s: inWorker }),
      );
    }
  } finally {
    await main.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
} else {
  const { store, close } = await openStore(workerData.dir);
  const perS = await apply(store, workerData.n, `worker-${workerData.round}`);
  await close();
  parentPort.postMessage(perS);
}
