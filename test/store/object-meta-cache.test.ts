import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite, type SqliteDb } from '../../src/db/sqlite/open.js';
import { ManualClock } from '../../src/protocol/clock.js';
import { createBuiltinStore } from '../../src/store/builtin/index.js';
import { ObjectMetaCache } from '../../src/store/builtin/object-meta-cache.js';
import type { ObjectStore } from '../../src/store/object-store.js';
import type { ObjectMeta } from '../../src/store/types.js';
import { wireVersionId } from '../../src/store/version-ids.js';
import { mkBucket, putText } from './contract/harness.js';

const meta = (key: string): ObjectMeta => ({
  bucket: 'bkt',
  key,
  versionId: 'null',
  size: 1,
  etag: 'E',
  contentType: 'text/plain',
  lastModified: 0,
  storageClass: 'Standard',
  acl: 'default',
  userMeta: { a: '1' },
  httpHeaders: {},
  tags: [{ key: 't', value: 'v' }],
  restore: null,
});

describe('ObjectMetaCache', () => {
  const fixed = { totalChanges: () => 0, dataVersion: () => 0 };

  it('answers from the cache until this connection changed a row or another committed, then drops everything', () => {
    const counters = { changes: 7, version: 3, ms: 0 };
    const cache = new ObjectMetaCache(
      { totalChanges: () => counters.changes, dataVersion: () => counters.version },
      4 * 1024 * 1024,
      () => counters.ms,
    );
    expect(cache.get('bkt', 'a')).toBeUndefined();
    const a = cache.set('bkt', 'a', meta('a'), 10);
    cache.set('bkt', 'b', meta('b'), 10);
    expect(cache.get('bkt', 'a')).toBe(a);
    counters.changes = 8;
    expect(cache.get('bkt', 'a')).toBeUndefined();
    expect(cache.get('bkt', 'b')).toBeUndefined();
    cache.set('bkt', 'a', meta('a'), 10);
    expect(cache.get('bkt', 'a')?.key).toBe('a');
    // Another connection's commit is seen once data_version is read again: at most once per ms.
    counters.version = 4;
    counters.ms = 0.5;
    expect(cache.get('bkt', 'a')?.key).toBe('a');
    counters.ms = 1;
    expect(cache.get('bkt', 'a')).toBeUndefined();
  });

  it('keeps its byte budget, dropping the first cached first, and never keeps a meta larger than it', () => {
    // Each entry is estimated at 2 × 100 + 600 = 800 bytes: two fit in 1,700.
    const cache = new ObjectMetaCache(fixed, 1_700);
    cache.get('bkt', 'x');
    for (const k of ['a', 'b', 'c']) cache.set('bkt', k, meta(k), 100);
    expect(cache.get('bkt', 'a')).toBeUndefined();
    expect(cache.get('bkt', 'b')?.key).toBe('b');
    expect(cache.get('bkt', 'c')?.key).toBe('c');
    cache.set('bkt', 'huge', meta('huge'), 1_000);
    expect(cache.get('bkt', 'huge')).toBeUndefined();
    expect(cache.get('bkt', 'c')?.key).toBe('c');
  });

  it('never answers one (bucket, key) for another that spells the same path', () => {
    const cache = new ObjectMetaCache(fixed);
    cache.get('a', 'b/c');
    cache.set('a', 'b/c', meta('b/c'), 10);
    expect(cache.get('a/b', 'c')).toBeUndefined();
    expect(cache.get('a', 'b/c')?.key).toBe('b/c');
  });

  it('hands out frozen metas, so one request cannot change what another is answered', () => {
    const cache = new ObjectMetaCache(fixed);
    cache.get('bkt', 'a');
    const a = cache.set('bkt', 'a', meta('a'), 10);
    expect(() => {
      (a as { size: number }).size = 2;
    }).toThrow(TypeError);
    expect(() => (a.tags as unknown as { key: string }[]).push({ key: 'x' })).toThrow(TypeError);
    expect(() => {
      (a.userMeta as Record<string, string>).a = '2';
    }).toThrow(TypeError);
    expect(() => {
      (a.tags[0] as { value: string }).value = 'w';
    }).toThrow(TypeError);
  });
});

/**
 * Every write path of the built-in store, each seen by the very next headObject of a key whose meta was
 * cached just before (the first two heads answer the same object: the cache is in use).
 */
describe('builtin store: headObject after every kind of write', () => {
  let dir: string;
  let db: SqliteDb;
  let store: ObjectStore;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-meta-cache-'));
    db = openSqlite(path.join(dir, 'meta.db'));
    store = await createBuiltinStore({
      db,
      dataDir: dir,
      clock: new ManualClock(1_000),
      region: 'cn-hangzhou',
      restoreDurationMs: 10,
    });
    await mkBucket(store);
    await putText(store, 'bkt', 'k', 'first', {
      storageClass: 'Archive',
      tags: [{ key: 'init', value: '1' }],
    });
    await putText(store, 'bkt', 'src', 'source bytes', { contentType: 'text/x-src' });
  });
  afterEach(async () => {
    await store.close();
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Caches k's meta, runs `write`, and returns the meta headObject answers next. */
  async function headAfter(write: () => Promise<unknown>): Promise<ObjectMeta | undefined> {
    const before = await store.headObject('bkt', 'k');
    expect(await store.headObject('bkt', 'k')).toBe(before);
    await write();
    return store.headObject('bkt', 'k');
  }

  const cases: [string, () => Promise<unknown>, (m: ObjectMeta | undefined) => void][] = [
    ['PutObject over it', () => putText(store, 'bkt', 'k', 'second!'), (m) => expect(m?.size).toBe(7)],
    [
      'PutObjectTagging',
      () => store.putObjectTags('bkt', 'k', [{ key: 'a', value: 'b' }]),
      (m) => expect(m?.tags).toEqual([{ key: 'a', value: 'b' }]),
    ],
    ['DeleteObjectTagging', () => store.deleteObjectTags('bkt', 'k'), (m) => expect(m?.tags).toEqual([])],
    [
      'PutObjectAcl',
      () => store.putObjectAcl('bkt', 'k', 'public-read'),
      (m) => expect(m?.acl).toBe('public-read'),
    ],
    ['DeleteObject', () => store.deleteVersion('bkt', 'k', undefined), (m) => expect(m).toBeUndefined()],
    [
      'CopyObject onto it',
      () =>
        store.copyObject({
          sourceBucket: 'bkt',
          sourceKey: 'src',
          bucket: 'bkt',
          key: 'k',
          metadataDirective: 'COPY',
          taggingDirective: 'COPY',
        }),
      (m) => expect(m).toMatchObject({ size: 12, contentType: 'text/x-src' }),
    ],
    [
      'RestoreObject',
      () => store.restoreObject('bkt', 'k', 1, undefined),
      (m) => expect(m?.restore).not.toBeNull(),
    ],
    [
      "a batch job's tags (applyBatch)",
      () =>
        store.applyBatch([
          { bucket: 'bkt', key: 'k', op: { kind: 'putTags', tags: [{ key: 'j', value: '1' }] } },
        ]),
      (m) => expect(m?.tags).toEqual([{ key: 'j', value: '1' }]),
    ],
    [
      "a batch job's ACL (applyBatch)",
      () => store.applyBatch([{ bucket: 'bkt', key: 'k', op: { kind: 'putAcl', acl: 'public-read-write' } }]),
      (m) => expect(m?.acl).toBe('public-read-write'),
    ],
    [
      'seeded objects (seedObjects)',
      () => store.seedObjects('bkt', [{ key: 'k', size: 42 }]),
      (m) => expect(m?.size).toBe(42),
    ],
    [
      'CompleteMultipartUpload onto it',
      async () => {
        const up = await store.initiateUpload({ bucket: 'bkt', key: 'k', contentType: 'text/x-mp' });
        await store.uploadPart({
          bucket: 'bkt',
          key: 'k',
          uploadId: up.uploadId,
          partNumber: 1,
          body: Readable.from([Buffer.from('part')]),
        });
        await store.headObject('bkt', 'k');
        await store.completeUpload({ bucket: 'bkt', key: 'k', uploadId: up.uploadId, parts: 'all' });
      },
      (m) => expect(m).toMatchObject({ size: 4, contentType: 'text/x-mp' }),
    ],
    [
      'tags addressed by the current version id',
      async () => {
        const current = await store.headObject('bkt', 'k');
        await store.putObjectTags('bkt', 'k', [{ key: 'v', value: '1' }], wireVersionId(current!.versionId));
      },
      (m) => expect(m?.tags).toEqual([{ key: 'v', value: '1' }]),
    ],
    [
      "a batch job's added tags (applyBatch addTags)",
      () =>
        store.applyBatch([
          { bucket: 'bkt', key: 'k', op: { kind: 'addTags', tags: [{ key: 'j', value: '2' }] } },
        ]),
      (m) =>
        expect(m?.tags).toEqual([
          { key: 'init', value: '1' },
          { key: 'j', value: '2' },
        ]),
    ],
    [
      "a batch job's restore (applyBatch restore)",
      () =>
        store.applyBatch([{ bucket: 'bkt', key: 'k', op: { kind: 'restore', days: 1, tier: undefined } }]),
      (m) => expect(m?.restore).not.toBeNull(),
    ],
    [
      'a delete marker removed, the version under it current again',
      async () => {
        await store.setBucketVersioning('bkt', 'Enabled');
        const marker = await store.deleteVersion('bkt', 'k', undefined);
        expect(await store.headObject('bkt', 'k')).toBeUndefined();
        await store.deleteVersion('bkt', 'k', marker.versionId);
      },
      (m) => expect(m?.size).toBe(5),
    ],
    [
      'a put after versioning was suspended',
      async () => {
        await store.setBucketVersioning('bkt', 'Enabled');
        await store.setBucketVersioning('bkt', 'Suspended');
        await store.headObject('bkt', 'k');
        await putText(store, 'bkt', 'k', 'suspended');
      },
      (m) => expect(m?.size).toBe(9),
    ],
    [
      'a write by another connection to the database file',
      async () => {
        const other = openSqlite(path.join(dir, 'meta.db'));
        other
          .prepare("UPDATE store_objects SET acl = 'public-read' WHERE bucket = 'bkt' AND key = 'k'")
          .run();
        other.close();
        // Seen within 1 ms (object-meta-cache.ts reads data_version at most once per ms).
        await new Promise((resolve) => setTimeout(resolve, 2));
      },
      (m) => expect(m?.acl).toBe('public-read'),
    ],
    [
      'a new version in a versioned bucket',
      async () => {
        await store.setBucketVersioning('bkt', 'Enabled');
        await store.headObject('bkt', 'k');
        await putText(store, 'bkt', 'k', 'versioned');
      },
      (m) => expect(m?.size).toBe(9),
    ],
  ];

  for (const [name, write, check] of cases) {
    it(`sees ${name}`, async () => {
      check(await headAfter(write));
    });
  }

  it('sees the current version deleted by id, the previous one promoted', async () => {
    await store.setBucketVersioning('bkt', 'Enabled');
    await putText(store, 'bkt', 'k', 'newest!!');
    const newest = await store.headObject('bkt', 'k');
    expect(newest?.size).toBe(8);
    const m = await headAfter(() => store.deleteVersion('bkt', 'k', wireVersionId(newest!.versionId)));
    expect(m?.size).toBe(5);
  });

  it('answers NoSuchBucket once the bucket is gone, though its object was cached', async () => {
    await store.headObject('bkt', 'src');
    await store.deleteVersion('bkt', 'src', undefined);
    await store.deleteVersion('bkt', 'k', undefined);
    await store.deleteBucket('bkt');
    await expect(store.headObject('bkt', 'src')).rejects.toMatchObject({ code: 'NoSuchBucket' });
  });
});
