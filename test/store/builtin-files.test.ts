import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/db/sqlite/open.js';
import type { SqliteDb } from '../../src/db/sqlite/open.js';
import { ManualClock } from '../../src/protocol/clock.js';
import { createBuiltinStore, type BuiltinStoreOptions } from '../../src/store/builtin/index.js';
import type { ObjectStore } from '../../src/store/object-store.js';
import { md5B64, mkBucket, ossCode, putText, readAll } from './contract/harness.js';

/** Every regular file under dir, relative to it. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .sort();
}

describe('builtin store: files and database', () => {
  let dir: string;
  let db: SqliteDb;
  let store: ObjectStore;
  const open = (extra: Partial<BuiltinStoreOptions> = {}): Promise<ObjectStore> =>
    createBuiltinStore({
      db,
      dataDir: dir,
      clock: new ManualClock(0),
      region: 'cn-hangzhou',
      restoreDurationMs: 10,
      ...extra,
    });

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-'));
    db = openSqlite(path.join(dir, 'meta.db'));
    store = await open();
  });
  afterEach(async () => {
    await store.close();
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('names object files randomly, not by key, and writes no file for empty bodies', async () => {
    const b = await mkBucket(store);
    await putText(store, b, '../../escape', 'bytes');
    await store.putObject({ bucket: b, key: 'empty', body: Readable.from([]) });
    const files = filesUnder(path.join(dir, 'objects'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^[0-9a-f]{2}\/[0-9a-f]{32}$/);
    expect(fs.readFileSync(path.join(dir, 'objects', files[0]!), 'utf8')).toBe('bytes');
    expect(filesUnder(path.join(dir, 'tmp'))).toEqual([]);
  });

  it('removes the old file on overwrite and delete, and leaves nothing after a failed put', async () => {
    const b = await mkBucket(store);
    await putText(store, b, 'k', 'one');
    const first = filesUnder(path.join(dir, 'objects'));
    await putText(store, b, 'k', 'two');
    const second = filesUnder(path.join(dir, 'objects'));
    expect(second).toHaveLength(1);
    expect(second).not.toEqual(first);
    expect(await ossCode(putText(store, b, 'k2', 'three', { contentMd5: md5B64('nope') }))).toBe(
      'InvalidDigest',
    );
    expect(filesUnder(path.join(dir, 'objects'))).toEqual(second);
    expect(filesUnder(path.join(dir, 'tmp'))).toEqual([]);
    await store.deleteVersion(b, 'k', undefined);
    expect(filesUnder(path.join(dir, 'objects'))).toEqual([]);
  });

  it('keeps exactly one file when puts to one key race', async () => {
    const b = await mkBucket(store);
    const bodies = Array.from({ length: 8 }, (_, i) => `body-${i}`);
    await Promise.all(bodies.map((body) => putText(store, b, 'race', body)));
    const files = filesUnder(path.join(dir, 'objects'));
    expect(files).toHaveLength(1);
    const meta = await store.headObject(b, 'race');
    expect(fs.readFileSync(path.join(dir, 'objects', files[0]!), 'utf8')).toBe(
      (await readAll(store.readObject(meta!))).toString(),
    );
  });

  it('refuses bodies over the size limit with EntityTooLarge', async () => {
    store = await open({ maxObjectSize: 10 });
    const b = await mkBucket(store);
    expect(await ossCode(putText(store, b, 'big', '01234567890'))).toBe('EntityTooLarge');
    expect(await store.headObject(b, 'big')).toBeUndefined();
    expect(filesUnder(path.join(dir, 'tmp'))).toEqual([]);
    await putText(store, b, 'ok', '0123456789');
  });

  it('cleans temp files and unreferenced object files at start', async () => {
    const b = await mkBucket(store);
    await putText(store, b, 'kept', 'kept bytes');
    const kept = filesUnder(path.join(dir, 'objects'));
    fs.writeFileSync(path.join(dir, 'tmp', 'crash.tmp'), 'half');
    fs.mkdirSync(path.join(dir, 'objects', 'ff'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'objects', 'ff', 'ff00000000000000000000000000orphan'), 'orphan');
    store = await open();
    expect(filesUnder(path.join(dir, 'tmp'))).toEqual([]);
    expect(filesUnder(path.join(dir, 'objects'))).toEqual(kept);
    const meta = await store.headObject(b, 'kept');
    expect((await readAll(store.readObject(meta!))).toString()).toBe('kept bytes');
  });

  it('reads via bucket/key when given a meta it did not hand out', async () => {
    const b = await mkBucket(store);
    const meta = await putText(store, b, 'k', 'abcdef');
    const copy = { ...meta };
    expect((await readAll(store.readObject(copy, { start: 1, end: 3 }))).toString()).toBe('bcd');
  });

  it('keeps the WAL near its restart threshold under back-to-back batches: applyBatch waits for the pause', async () => {
    // The server's threshold is 4000 frames; 500 restarts the WAL within a few seconds of writes here.
    const restartAtFrames = 500;
    await store.close();
    store = await open({ walCheckpointThread: { restartAtFrames } });
    const b = await mkBucket(store);
    const keys = Array.from({ length: 6_000 }, (_, i) => `k/${String(i).padStart(6, '0')}`);
    await store.seedObjects(
      b,
      keys.map((key) => ({ key })),
    );
    let most = 0;
    // Back to back, as the engine's batches come: awaiting a settled promise never lets the thread's reply
    // in, so without the pause nothing copies every frame between two writes and the WAL never restarts.
    for (let round = 0; round < 6; round++) {
      for (let from = 0; from < keys.length; from += 500) {
        const changes = keys.slice(from, from + 500).map((key) => ({
          bucket: b,
          key,
          op: { kind: 'putTags' as const, tags: [{ key: 'round', value: String(round) }] },
        }));
        for (const r of await store.applyBatch(changes)) expect(r.ok).toBe(true);
        most = Math.max(most, fs.statSync(path.join(dir, 'meta.db-wal')).size);
      }
    }
    expect(most).toBeLessThan((restartAtFrames + 100) * (4096 + 24) + 32);
    expect((await store.headObject(b, keys[4_345]!))?.tags).toEqual([{ key: 'round', value: '5' }]);
  });

  it('answers a busy database with retryable failures for every change', async () => {
    const b = await mkBucket(store);
    await store.seedObjects(b, [{ key: 'a' }, { key: 'b' }]);
    db.pragma('busy_timeout = 20');
    const other = openSqlite(path.join(dir, 'meta.db'));
    try {
      other.prepare('BEGIN IMMEDIATE').run();
      const results = await store.applyBatch([
        { bucket: b, key: 'b', op: { kind: 'deleteTags' } },
        { bucket: b, key: 'a', op: { kind: 'putAcl', acl: 'private' } },
      ]);
      expect(results).toHaveLength(2);
      for (const r of results) expect(r).toMatchObject({ ok: false, retryable: true, status: 503 });
      other.prepare('ROLLBACK').run();
      const again = await store.applyBatch([{ bucket: b, key: 'a', op: { kind: 'putAcl', acl: 'private' } }]);
      expect(again).toEqual([{ ok: true }]);
    } finally {
      other.close();
    }
  });

  it('keeps key byte order in SQLite for keys beyond the BMP', () => {
    const rows = db
      .prepare(
        "SELECT k FROM (SELECT '\uFF5E' AS k UNION ALL SELECT '😀' UNION ALL SELECT 'z') ORDER BY k COLLATE BINARY",
      )
      .all() as { k: string }[];
    expect(rows.map((r) => r.k)).toEqual(['z', '\uFF5E', '😀']);
  });
  it('scans bytes through two reused buffers: the same bytes as readObject, ranged, seeded and empty', async () => {
    const b = await mkBucket(store);
    // 200 KB of varied bytes: four reads of 64 KiB, the last one short.
    const body = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7 + (i >> 9)) & 0xff));
    await store.putObject({ bucket: b, key: 'big', body: Readable.from([body]) });
    await store.seedObjects(b, [{ key: 'seeded', size: 150_000 }]);
    const scan = async (key: string, range?: { start: number; end: number }) => {
      const meta = await store.headObject(b, key);
      if (!meta || !store.scanObject) throw new Error('no scanObject');
      const copies: Buffer[] = [];
      const backing = new Set<ArrayBufferLike>();
      for await (const chunk of store.scanObject(meta, range)) {
        backing.add(chunk.buffer);
        copies.push(Buffer.from(chunk));
      }
      return { bytes: Buffer.concat(copies), chunks: copies.length, buffers: backing.size, meta };
    };
    const whole = await scan('big');
    expect(whole.bytes.equals(body)).toBe(true);
    expect(whole.chunks).toBe(4);
    // Two buffers in turn: one lent to the caller, the next read landing in the other.
    expect(whole.buffers).toBe(2);
    const ranged = await scan('big', { start: 65_000, end: 140_000 });
    expect(ranged.bytes.equals(body.subarray(65_000, 140_001))).toBe(true);
    expect(
      ranged.bytes.equals(await readAll(store.readObject(whole.meta, { start: 65_000, end: 140_000 }))),
    ).toBe(true);
    const seeded = await scan('seeded');
    expect(seeded.bytes.equals(Buffer.alloc(150_000))).toBe(true);
    expect(seeded.buffers).toBe(1);
    expect((await scan('big', { start: 10, end: 9 })).chunks).toBe(0);
  });

  it('closes the file when a scan is left after its first chunk, with the next read in flight', async () => {
    const b = await mkBucket(store);
    await store.putObject({ bucket: b, key: 'big', body: Readable.from([Buffer.alloc(300_000, 1)]) });
    const meta = await store.headObject(b, 'big');
    if (!meta || !store.scanObject) throw new Error('no scanObject');
    const openFiles = (): number => fs.readdirSync('/proc/self/fd').length;
    const before = openFiles();
    for await (const chunk of store.scanObject(meta)) {
      expect(chunk.length).toBe(64 * 1024);
      break;
    }
    expect(openFiles()).toBe(before);
  });
});
