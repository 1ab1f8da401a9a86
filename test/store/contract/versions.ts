import { describe, expect, it } from 'vitest';
import type { ObjectStore } from '../../../src/store/object-store.js';
import type { ObjectMeta } from '../../../src/store/types.js';
import type { VersionLookup } from '../../../src/store/versioning.js';
import { mkBucket, ossCode, putText, readAll, useHarness, type MakeStore } from './harness.js';

const metaOf = (l: VersionLookup): ObjectMeta => {
  if (l.kind !== 'object') throw new Error(`expected an object, got ${l.kind}`);
  return l.meta;
};
const bytes = async (s: ObjectStore, l: VersionLookup): Promise<string> =>
  (await readAll(s.readObject(metaOf(l)))).toString();

/** Versioning: noncurrent versions and delete markers beside the current row. */
export function versionsContract(makeStore: MakeStore): void {
  describe('versions', () => {
    const ctx = useHarness(makeStore);

    it('keeps old versions readable, also across a reopen (their files are not orphans)', async () => {
      const s = ctx.h.store;
      const b = await mkBucket(s);
      const before = await putText(s, b, 'k', 'unversioned');
      await s.setBucketVersioning(b, 'Enabled');
      const v1 = await putText(s, b, 'k', 'one');
      const v2 = await putText(s, b, 'k', 'two');
      expect(await bytes(s, await s.headVersion(b, 'k', 'null'))).toBe('unversioned');
      expect(metaOf(await s.headVersion(b, 'k', 'null')).versionId).toBe(before.versionId);
      const s2 = await ctx.h.reopen();
      expect(await bytes(s2, await s2.headVersion(b, 'k', v1.versionId))).toBe('one');
      expect(await bytes(s2, await s2.headVersion(b, 'k', undefined))).toBe('two');
      expect((await s2.headVersion(b, 'k', undefined)).kind === 'object' && v2.versionId).toBeTruthy();
      expect((await s2.headVersion(b, 'k', 'CAEQnope')).kind).toBe('no-such-version');
      expect((await s2.headVersion(b, 'other', 'CAEQnope')).kind).toBe('no-such-key');
      expect(await bytes(s2, await s2.headVersion(b, 'k', 'null'))).toBe('unversioned');
    });

    it('applies batch changes to exactly the named version, current or not', async () => {
      const s = ctx.h.store;
      const b = await mkBucket(s);
      await s.setBucketVersioning(b, 'Enabled');
      const old = await putText(s, b, 'k', 'old', { storageClass: 'Archive' });
      const cur = await putText(s, b, 'k', 'new');
      const marker = await s.deleteVersion(b, 'gone', undefined);
      const r = await s.applyBatch([
        {
          bucket: b,
          key: 'k',
          versionId: old.versionId,
          op: { kind: 'putTags', tags: [{ key: 'o', value: '1' }] },
        },
        {
          bucket: b,
          key: 'k',
          versionId: old.versionId,
          op: { kind: 'addTags', tags: [{ key: 'p', value: '2' }] },
        },
        { bucket: b, key: 'k', versionId: old.versionId, op: { kind: 'putAcl', acl: 'public-read' } },
        { bucket: b, key: 'k', versionId: old.versionId, op: { kind: 'restore', days: 1, tier: undefined } },
        {
          bucket: b,
          key: 'k',
          versionId: cur.versionId,
          op: { kind: 'putTags', tags: [{ key: 'c', value: '3' }] },
        },
        { bucket: b, key: 'k', versionId: 'CAEQmissing', op: { kind: 'deleteTags' } },
        { bucket: b, key: 'gone', versionId: marker.versionId, op: { kind: 'deleteTags' } },
      ]);
      expect(r.map((x) => (x.ok ? 'ok' : x.code))).toEqual([
        'ok',
        'ok',
        'ok',
        'ok',
        'ok',
        'NoSuchVersion',
        'NoSuchKey',
      ]);
      const o = metaOf(await s.headVersion(b, 'k', old.versionId));
      expect([o.tags, o.acl, o.restore !== null]).toEqual([
        [
          { key: 'o', value: '1' },
          { key: 'p', value: '2' },
        ],
        'public-read',
        true,
      ]);
      const c = await s.headObject(b, 'k');
      expect([c?.tags, c?.acl, c?.restore]).toEqual([[{ key: 'c', value: '3' }], 'default', null]);
    });

    it('deletes: markers hide the key, removing the newest version promotes the next', async () => {
      const s = ctx.h.store;
      const b = await mkBucket(s);
      await s.setBucketVersioning(b, 'Enabled');
      const v1 = await putText(s, b, 'k', 'one');
      const m = await s.deleteVersion(b, 'k', undefined);
      expect(m.deleteMarker).toBe(true);
      expect(await s.headObject(b, 'k')).toBeUndefined();
      expect((await s.headVersion(b, 'k', undefined)).kind).toBe('delete-marker');
      expect(await ossCode(s.deleteBucket(b))).toBe('BucketNotEmpty');
      await s.deleteVersion(b, 'k', m.versionId);
      expect((await s.headObject(b, 'k'))?.versionId).toBe(v1.versionId);
      const v2 = await putText(s, b, 'k', 'two');
      await s.deleteVersion(b, 'k', v2.versionId);
      expect(await readAll(s.readObject((await s.headObject(b, 'k'))!))).toEqual(Buffer.from('one'));
      await s.deleteVersion(b, 'k', v1.versionId);
      expect((await s.headVersion(b, 'k', undefined)).kind).toBe('no-such-key');
      await s.deleteBucket(b);
    });
  });
}
