import { describe, expect, it } from 'vitest';
import type { ObjectChange } from '../../../src/store/object-store.js';
import type { Tag } from '../../../src/store/types.js';
import { mkBucket, putText, readAll, useHarness } from './harness.js';
import { itIf, md5Hex, type MakeStore, type StoreCaps } from './harness.js';

const tags = (n: number, prefix = 't'): Tag[] =>
  Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, value: String(i) }));

export function batchContract(makeStore: MakeStore, caps: StoreCaps): void {
  const ctx = useHarness(makeStore);

  describe('applyBatch', () => {
    itIf(caps.objectAcl && caps.restore && caps.deleteTags)(
      'applies every kind of change and answers in input order',
      async () => {
        const s = ctx.h.store;
        const b = await mkBucket(s);
        const b2 = await mkBucket(s, 'second');
        const v = await putText(s, b, 'z-last', 'x', { tags: [{ key: 'keep', value: '1' }] });
        await putText(s, b, 'a-first', 'x', { tags: tags(8) });
        await putText(s, b, 'm-mid', 'x', { tags: [{ key: 'gone', value: '1' }] });
        await putText(s, b2, 'acl', 'x');
        await putText(s, b2, 'cold', 'x', { storageClass: 'Archive' });
        await putText(s, b2, 'std', 'x');
        const changes: ObjectChange[] = [
          {
            bucket: b,
            key: 'z-last',
            ...(caps.versionIds ? { versionId: v.versionId } : {}),
            op: {
              kind: 'addTags',
              tags: [
                { key: 'keep', value: '2' },
                { key: 'new', value: 'n' },
              ],
            },
          },
          { bucket: b, key: 'a-first', op: { kind: 'addTags', tags: tags(3, 'x') } },
          { bucket: b, key: 'm-mid', op: { kind: 'deleteTags' } },
          { bucket: b2, key: 'acl', op: { kind: 'putAcl', acl: 'public-read' } },
          { bucket: b2, key: 'cold', op: { kind: 'restore', days: 3, tier: undefined } },
          { bucket: b2, key: 'std', op: { kind: 'restore', days: 1, tier: undefined } },
          { bucket: b, key: 'missing', op: { kind: 'putTags', tags: [] } },
          caps.versionIds
            ? { bucket: b, key: 'z-last', versionId: 'CAEQstale', op: { kind: 'putTags', tags: [] } }
            : { bucket: b, key: 'missing-too', op: { kind: 'putTags', tags: [] } },
          { bucket: 'no-bucket', key: 'k', op: { kind: 'putAcl', acl: 'private' } },
          { bucket: b2, key: 'std', op: { kind: 'putTags', tags: [{ key: 'ok', value: 'yes' }] } },
          { bucket: b2, key: 'std', op: { kind: 'putTags', tags: [{ key: 'bad*', value: '' }] } },
        ];
        const r = await s.applyBatch(changes);
        expect(r).toHaveLength(changes.length);
        expect(r[0]).toEqual({ ok: true });
        expect(r[1]).toMatchObject({ ok: false, code: 'InvalidArgument', status: 400, retryable: false });
        expect(r[2]).toEqual({ ok: true });
        expect(r[3]).toEqual({ ok: true });
        expect(r[4]).toEqual({ ok: true });
        expect(r[5]).toMatchObject({
          ok: false,
          code: 'OperationNotSupported',
          status: 400,
          retryable: false,
        });
        expect(r[6]).toMatchObject({ ok: false, code: 'NoSuchKey', status: 404, retryable: false });
        expect(r[7]).toMatchObject({
          ok: false,
          code: caps.versionIds ? 'NoSuchVersion' : 'NoSuchKey',
          status: 404,
          retryable: false,
        });
        expect(r[8]).toMatchObject({ ok: false, code: 'NoSuchBucket', status: 404 });
        expect(r[9]).toEqual({ ok: true });
        expect(r[10]).toMatchObject({ ok: false, code: 'InvalidTag', status: 400 });

        expect((await s.headObject(b, 'z-last'))?.tags).toEqual([
          { key: 'keep', value: '2' },
          { key: 'new', value: 'n' },
        ]);
        expect((await s.headObject(b, 'a-first'))?.tags).toEqual(tags(8));
        expect((await s.headObject(b, 'm-mid'))?.tags).toEqual([]);
        expect((await s.headObject(b2, 'acl'))?.acl).toBe('public-read');
        if (caps.restoreDetail) expect((await s.headObject(b2, 'cold'))?.restore?.days).toBe(3);
        else expect((await s.headObject(b2, 'cold'))?.restore).not.toBeNull();
        expect((await s.headObject(b2, 'std'))?.tags).toEqual([{ key: 'ok', value: 'yes' }]);
      },
    );

    itIf(caps.restore)('reports restore in progress and extension as successes with a message', async () => {
      const { store: s, clock, restoreDurationMs } = ctx.h;
      const b = await mkBucket(s);
      await putText(s, b, 'c1', 'x', { storageClass: 'DeepColdArchive' });
      const restore = (days: number, tier?: 'Bulk' | 'Standard'): ObjectChange => ({
        bucket: b,
        key: 'c1',
        op: { kind: 'restore', days, tier },
      });
      expect(await s.applyBatch([restore(2, 'Standard')])).toEqual([{ ok: true }]);
      expect(await s.applyBatch([restore(2)])).toEqual([
        { ok: true, message: 'RestoreAlreadyInProgress: restore is already in progress' },
      ]);
      clock.advance(restoreDurationMs + 1);
      expect(await s.applyBatch([restore(30)])).toEqual([
        { ok: true, message: 'the restored copy was extended' },
      ]);
      const bad = await s.applyBatch([restore(2, 'Bulk'), restore(400)]);
      expect(bad[0]).toMatchObject({ ok: false, code: 'InvalidArgument', status: 400, retryable: false });
      expect(bad[1]).toMatchObject({ ok: false, code: 'InvalidArgument' });
    });

    it('applies the changes to one object in the order of the batch', async () => {
      // A remote store makes one call (or a read then a write, for addTags) per change: two changes to the
      // same object at once lost one of them (both addTags read the old set, the later write won).
      const s = ctx.h.store;
      const b = await mkBucket(s);
      await putText(s, b, 'k', 'x');
      await putText(s, b, 'other', 'x', { tags: [{ key: 'gone', value: '1' }] });
      const add = (key: string, tag: string): ObjectChange => ({
        bucket: b,
        key,
        op: { kind: 'addTags', tags: [{ key: tag, value: tag }] },
      });
      const r = await s.applyBatch([
        { bucket: b, key: 'k', op: { kind: 'putTags', tags: [{ key: 'first', value: '0' }] } },
        add('k', 'a'),
        add('other', 'x'),
        add('k', 'b'),
        { bucket: b, key: 'other', op: { kind: 'putTags', tags: [{ key: 'z', value: 'z' }] } },
        add('k', 'c'),
        add('other', 'y'),
      ]);
      expect(r.every((x) => x.ok)).toBe(true);
      const sorted = (t: readonly Tag[] | undefined): string[] => (t ?? []).map((x) => x.key).sort();
      expect(sorted((await s.headObject(b, 'k'))?.tags)).toEqual(['a', 'b', 'c', 'first']);
      expect(sorted((await s.headObject(b, 'other'))?.tags)).toEqual(['y', 'z']);
    });

    it('applies 1000 unsorted changes over seeded objects in one call', async () => {
      const s = ctx.h.store;
      const b = await mkBucket(s);
      const keys = Array.from({ length: 1000 }, (_, i) => `obj/${String(i).padStart(4, '0')}`);
      await s.seedObjects(
        b,
        keys.map((key) => ({ key })),
      );
      const shuffled = keys
        .map((key, i) => ({ key, i }))
        .sort((x, y) => ((x.i * 7919) % 1000) - ((y.i * 7919) % 1000));
      const changes: ObjectChange[] = shuffled.map(({ key }) => ({
        bucket: b,
        key,
        op: { kind: 'putTags', tags: [{ key: 'k', value: `v${key.slice(4)}` }] },
      }));
      changes.push({
        bucket: b,
        key: 'obj/x-missing',
        op: caps.deleteTags ? { kind: 'deleteTags' } : { kind: 'putTags', tags: [] },
      });
      const r = await s.applyBatch(changes);
      expect(r.slice(0, 1000).every((x) => x.ok)).toBe(true);
      expect(r[1000]).toMatchObject({ ok: false, code: 'NoSuchKey' });
      // headObject, not the listing: a remote listing carries no tags (ObjectStore.listObjects).
      const heads = await Promise.all(keys.map((key) => s.headObject(b, key)));
      for (const o of heads) expect(o?.tags).toEqual([{ key: 'k', value: `v${o?.key.slice(4)}` }]);
    });
  });

  describe('seedObjects and persistence', () => {
    it('seeds metadata-only objects', async () => {
      const s = ctx.h.store;
      const b = await mkBucket(s);
      await s.seedObjects(b, [
        {
          key: 'a',
          size: 5,
          storageClass: caps.metadataOnlySeed ? 'Archive' : 'IA',
          tags: [{ key: 't', value: '1' }],
        },
        { key: 'b' },
      ]);
      const a = await s.headObject(b, 'a');
      expect(a).toMatchObject({
        size: 5,
        storageClass: caps.metadataOnlySeed ? 'Archive' : 'IA',
        tags: caps.tagsOnWrite ? [{ key: 't', value: '1' }] : [],
        etag: caps.metadataOnlySeed ? 'D41D8CD98F00B204E9800998ECF8427E' : md5Hex(Buffer.alloc(5)),
      });
      expect((await readAll(s.readObject(a!))).length).toBe(5);
      expect((await s.headObject(b, 'b'))?.size).toBe(0);
      await expect(s.seedObjects('nobucket', [{ key: 'x' }])).rejects.toMatchObject({ code: 'NoSuchBucket' });
    });

    it('keeps buckets, objects, bytes and metadata across a reopen', async () => {
      const s = ctx.h.store;
      const b = await mkBucket(s);
      const meta = await putText(s, b, 'persist', 'durable bytes', {
        tags: [{ key: 'a', value: 'b' }],
        userMeta: { x: 'y' },
      });
      if (caps.objectAcl) await s.putObjectAcl(b, 'persist', 'private');
      const s2 = await ctx.h.reopen();
      expect((await s2.listBuckets('1234567890')).map((x) => x.name)).toEqual([b]);
      const again = await s2.headObject(b, 'persist');
      expect(again).toEqual(caps.objectAcl ? { ...meta, acl: 'private' } : meta);
      expect((await readAll(s2.readObject(again!))).toString()).toBe('durable bytes');
    });
  });
}
