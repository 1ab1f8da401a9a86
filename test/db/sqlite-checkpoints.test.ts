/**
 * WAL checkpoints of the embedded database run on a worker thread (src/db/sqlite/checkpointer.ts), and the
 * built-in store's batch path paces by them so the WAL stays bounded while the engine writes back to back.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteBackend, type SqliteBackend } from '../../src/db/sqlite/index.js';
import { systemClock } from '../../src/protocol/clock.js';
import { createBuiltinStoreFor } from '../../src/server.js';
import type { ObjectChange } from '../../src/store/object-store.js';

const dirs: string[] = [];
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function backend(): { b: SqliteBackend; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-ckpt-'));
  dirs.push(dir);
  const b = createSqliteBackend({ dataDir: dir });
  open.push(b);
  return { b, dir };
}

const walPages = (b: SqliteBackend): number => {
  // A PASSIVE checkpoint that copies nothing: `log` is the WAL's length in pages since its last restart.
  const [r] = b.db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
  return r?.log ?? 0;
};

describe('background WAL checkpoints (embedded database)', () => {
  it('the main connection does not checkpoint by itself; the worker does', async () => {
    const { b } = backend();
    expect(b.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    b.db.exec('CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)');
    const ins = b.db.prepare('INSERT INTO t VALUES (?, ?)');
    b.db.transaction(() => {
      for (let i = 0; i < 5000; i++) ins.run(i, 'x'.repeat(100));
    })();
    const [before] = b.db.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
    expect(before?.log).toBeGreaterThan(50);
    // A catch-up is a checkpoint on the worker: afterwards the next write restarts the WAL from frame 0.
    await b.checkpoints.catchUp();
    ins.run(5000, 'y');
    expect(walPages(b)).toBeLessThan(5);
  });

  it('applyBatch writing back to back keeps the WAL bounded (it lets the checkpoint catch up every 250 ms)', async () => {
    const { b, dir } = backend();
    const builtin = await createBuiltinStoreFor(b, {
      dataDir: dir,
      clock: systemClock,
      region: 'cn-hangzhou',
      restoreDurationMs: 0,
    });
    open.push(builtin);
    const store = builtin.store;
    await store.createBucket({ name: 'bench', owner: '1', acl: 'private', storageClass: 'Standard' });
    const keyOf = (i: number): string => `k/${String(i).padStart(8, '0')}`;
    const n = 40_000;
    for (let from = 0; from < n; from += 10_000)
      await store.seedObjects(
        'bench',
        Array.from({ length: 10_000 }, (_, j) => ({ key: keyOf(from + j) })),
      );
    const walFile = path.join(dir, 'ossbatch.db-wal');
    const walBytes = (): number => fs.statSync(walFile).size;
    await b.checkpoints.catchUp();
    const seededWal = walBytes();
    const tags = [{ key: 'run', value: 'x'.repeat(200) }];
    let written = 0;
    const started = performance.now();
    // Back to back for at least 1.5 s (6 catch-up periods), as the engine writes.
    for (let round = 0; performance.now() - started < 1500 || round < 4; round++) {
      for (let from = 0; from < n; from += 1000) {
        const changes: ObjectChange[] = [];
        for (let i = from; i < from + 1000; i++)
          changes.push({ bucket: 'bench', key: keyOf(i), op: { kind: 'putTags', tags } });
        const results = await store.applyBatch(changes);
        expect(results.every((r) => r.ok)).toBe(true);
        written += n;
      }
    }
    // The WAL file never shrinks: its size is the most it ever held. Without the pacing it grows with every
    // batch (each rewrites its pages), so after ≥ 4 full rewrites of the table it is about twice the table.
    const table = fs.statSync(path.join(dir, 'ossbatch.db')).size;
    expect(written).toBeGreaterThanOrEqual(4 * n);
    expect(walBytes()).toBeLessThan(Math.max(seededWal, table));
  });
});
