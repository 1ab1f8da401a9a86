import { describe, expect, it } from 'vitest';
import { isReadable, restoreHeader, restoreStatus } from '../../../src/store/builtin/index.js';
import { mkBucket, ossCode, putText, useHarness } from './harness.js';
import { itIf, type MakeStore, type StoreCaps } from './harness.js';

const DAY = 86_400_000;

export function metadataContract(makeStore: MakeStore, caps: StoreCaps): void {
  const ctx = useHarness(makeStore);

  describe('tags and ACL', () => {
    it('puts, replaces and deletes tags without touching Last-Modified', async () => {
      const s = ctx.h.store;
      const b = await mkBucket(s);
      const meta = await putText(s, b, 'k', 'v', { tags: [{ key: 'old', value: '1' }] });
      ctx.h.clock.advance(5000);
      await s.putObjectTags(b, 'k', [
        { key: 'a', value: 'x y+z-=._:/' },
        { key: 'b', value: '' },
      ]);
      let head = await s.headObject(b, 'k');
      expect(head?.tags).toEqual([
        { key: 'a', value: 'x y+z-=._:/' },
        { key: 'b', value: '' },
      ]);
      expect(head?.lastModified).toBe(meta.lastModified);
      await s.putObjectTags(b, 'k', [{ key: 'c', value: '3' }], caps.versionIds ? meta.versionId : undefined);
      head = await s.headObject(b, 'k');
      expect(head?.tags).toEqual([{ key: 'c', value: '3' }]);
      if (caps.deleteTags) {
        await s.deleteObjectTags(b, 'k');
        expect((await s.headObject(b, 'k'))?.tags).toEqual([]);
      }
      if (caps.versionIds) {
        expect(await ossCode(s.putObjectTags(b, 'k', [], 'CAEQno-such-version'))).toBe('NoSuchVersion');
        // An object written without versioning is the key's null version: `null` names it (OSS, S3).
        await s.putObjectTags(b, 'k', [{ key: 'n', value: '1' }], 'null');
        expect((await s.headObject(b, 'k'))?.tags).toEqual([{ key: 'n', value: '1' }]);
      }
      expect(await ossCode(s.putObjectTags(b, 'missing', []))).toBe('NoSuchKey');
      expect(await ossCode(s.putObjectTags('nobucket', 'k', []))).toBe('NoSuchBucket');
    });

    it('rejects invalid tag sets with InvalidTag and stores nothing', async () => {
      const s = ctx.h.store;
      const b = await mkBucket(s);
      await putText(s, b, 'k', 'v');
      await s.putObjectTags(b, 'k', [{ key: 'keep', value: 'one' }]);
      const eleven = Array.from({ length: 11 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
      expect(await ossCode(s.putObjectTags(b, 'k', eleven))).toBe('InvalidTag');
      expect(await ossCode(s.putObjectTags(b, 'k', [{ key: 'x'.repeat(129), value: '' }]))).toBe(
        'InvalidTag',
      );
      expect(await ossCode(s.putObjectTags(b, 'k', [{ key: 'k', value: 'v'.repeat(257) }]))).toBe(
        'InvalidTag',
      );
      expect(await ossCode(s.putObjectTags(b, 'k', [{ key: 'bad*', value: '' }]))).toBe('InvalidTag');
      expect(
        await ossCode(
          s.putObjectTags(b, 'k', [
            { key: 'a', value: '1' },
            { key: 'a', value: '2' },
          ]),
        ),
      ).toBe('InvalidTag');
      expect(await ossCode(putText(s, b, 'new', 'v', { tags: eleven }))).toBe('InvalidTag');
      expect(await s.headObject(b, 'new')).toBeUndefined();
      expect((await s.headObject(b, 'k'))?.tags).toEqual([{ key: 'keep', value: 'one' }]);
      await s.putObjectTags(b, 'k', [{ key: 'x'.repeat(128), value: 'v'.repeat(256) }]);
      expect((await s.headObject(b, 'k'))?.tags[0]?.key.length).toBe(128);
    });

    itIf(caps.objectAcl)('sets the object ACL', async () => {
      const s = ctx.h.store;
      const b = await mkBucket(s);
      const meta = await putText(s, b, 'k', 'v');
      expect(meta.acl).toBe('default');
      await s.putObjectAcl(b, 'k', 'public-read-write');
      expect((await s.headObject(b, 'k'))?.acl).toBe('public-read-write');
      await s.putObjectAcl(b, 'k', 'private', caps.versionIds ? meta.versionId : undefined);
      expect((await s.headObject(b, 'k'))?.acl).toBe('private');
      if (caps.versionIds)
        expect(await ossCode(s.putObjectAcl(b, 'k', 'private', 'other'))).toBe('NoSuchVersion');
      expect(await ossCode(s.putObjectAcl(b, 'nokey', 'private'))).toBe('NoSuchKey');
    });
  });

  const describeIf = (cond: boolean) => (cond ? describe : () => undefined);
  describeIf(caps.atomicForbidOverwrite)('forbid overwrite', () => {
    itIf(caps.atomicForbidOverwrite)(
      'lets exactly one of several concurrent forbid-overwrite puts of a new key win',
      async () => {
        const { store: s } = ctx.h;
        const b = await mkBucket(s);
        const outcomes = await Promise.all(
          Array.from({ length: 6 }, (_, i) =>
            putText(s, b, 'once', `body-${i}`, { forbidOverwrite: true }).then(
              () => 'stored',
              (e: unknown) => (e as { code: string }).code,
            ),
          ),
        );
        expect(outcomes.filter((o) => o === 'stored')).toHaveLength(1);
        expect(outcomes.filter((o) => o === 'FileAlreadyExists')).toHaveLength(5);
        // Without the flag the same key is simply overwritten.
        await putText(s, b, 'once', 'replaced');
      },
    );
  });

  describeIf(caps.restore)('restore', () => {
    itIf(caps.restore)(
      'lets a running ColdArchive restore be made faster, never slower (spec §11.3)',
      async () => {
        const { store: s } = ctx.h;
        const b = await mkBucket(s);
        await putText(s, b, 'cold', 'data', { storageClass: 'ColdArchive' });
        const fail = (p: Promise<unknown>) =>
          p.then(
            () => undefined,
            (e: unknown) => e as { code: string; status: number; ec: string },
          );
        expect(await s.restoreObject(b, 'cold', 1, 'Standard')).toBe('accepted');
        expect(await fail(s.restoreObject(b, 'cold', 1, 'Bulk'))).toMatchObject({
          code: 'InvalidArgument',
          status: 400,
          ec: '0016-00000715',
        });
        expect(await fail(s.restoreObject(b, 'cold', 1, 'Standard'))).toMatchObject({
          code: 'RestoreAlreadyInProgress',
        });
        expect(await fail(s.restoreObject(b, 'cold', 1, undefined))).toMatchObject({
          code: 'RestoreAlreadyInProgress',
        });
        expect(await s.restoreObject(b, 'cold', 1, 'Expedited')).toBe('accepted');
        if (caps.restoreDetail) expect((await s.headObject(b, 'cold'))?.restore?.tier).toBe('Expedited');
        // A batch job asking for a slower tier meanwhile counts as in progress: success with a message.
        const [batch] = await s.applyBatch([
          { bucket: b, key: 'cold', op: { kind: 'restore', days: 1, tier: 'Bulk' } },
        ]);
        expect(batch).toMatchObject({ ok: true, message: expect.stringContaining('in progress') });
      },
    );

    itIf(caps.restoreDetail)(
      'walks frozen → restoring → restored → extended → expired → frozen',
      async () => {
        const { store: s, clock, restoreDurationMs } = ctx.h;
        const b = await mkBucket(s);
        await putText(s, b, 'cold', 'data', { storageClass: 'ColdArchive' });
        const t0 = clock.now();
        let meta = (await s.headObject(b, 'cold'))!;
        expect(restoreStatus(meta, t0)).toBe('frozen');
        expect(isReadable(meta, t0)).toBe(false);
        expect(restoreHeader(meta, t0)).toBeUndefined();

        expect(await s.restoreObject(b, 'cold', 2, 'Bulk')).toBe('accepted');
        meta = (await s.headObject(b, 'cold'))!;
        expect(meta.restore).toEqual({
          readyAt: t0 + restoreDurationMs,
          expiresAt: t0 + restoreDurationMs + 2 * DAY,
          days: 2,
          tier: 'Bulk',
        });
        expect(restoreStatus(meta, t0)).toBe('restoring');
        expect(restoreHeader(meta, t0)).toBe('ongoing-request="true"');
        expect(isReadable(meta, t0)).toBe(false);
        const busy = await s
          .restoreObject(b, 'cold', 2, 'Bulk')
          .catch((e: unknown) => e as { code: string; status: number });
        expect(busy).toMatchObject({ code: 'RestoreAlreadyInProgress', status: 409 });

        clock.advance(restoreDurationMs);
        meta = (await s.headObject(b, 'cold'))!;
        expect(restoreStatus(meta, clock.now())).toBe('restored');
        expect(isReadable(meta, clock.now())).toBe(true);
        expect(restoreHeader(meta, clock.now())).toBe(
          `ongoing-request="false", expiry-date="${new Date(meta.restore!.expiresAt).toUTCString()}"`,
        );
        expect(restoreHeader(meta, clock.now())).toMatch(
          /expiry-date="\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT"$/,
        );

        clock.advance(DAY);
        expect(await s.restoreObject(b, 'cold', 5, undefined)).toBe('extended');
        meta = (await s.headObject(b, 'cold'))!;
        expect(meta.restore?.expiresAt).toBe(clock.now() + 5 * DAY);

        clock.advance(5 * DAY);
        meta = (await s.headObject(b, 'cold'))!;
        expect(restoreStatus(meta, clock.now())).toBe('frozen');
        expect(isReadable(meta, clock.now())).toBe(false);
        expect(await s.restoreObject(b, 'cold', 1, undefined)).toBe('accepted');
      },
    );

    itIf(caps.restore)('validates class, days and tier', async () => {
      const s = ctx.h.store;
      const b = await mkBucket(s);
      await putText(s, b, 'std', 'x');
      await putText(s, b, 'ia', 'x', { storageClass: 'IA' });
      await putText(s, b, 'arc', 'x', { storageClass: 'Archive' });
      await putText(s, b, 'cold', 'x', { storageClass: 'ColdArchive' });
      await putText(s, b, 'deep', 'x', { storageClass: 'DeepColdArchive' });
      const err = (p: Promise<unknown>) =>
        p.then(
          () => ({ code: 'none' }),
          (e: unknown) => e as { code: string; status: number; ec: string },
        );
      expect(await err(s.restoreObject(b, 'std', 1, undefined))).toMatchObject({
        code: 'OperationNotSupported',
        status: 400,
      });
      expect(await err(s.restoreObject(b, 'ia', 1, undefined))).toMatchObject({
        code: 'OperationNotSupported',
        status: 400,
      });
      expect(await err(s.restoreObject(b, 'arc', 8, undefined))).toMatchObject({
        code: 'InvalidArgument',
        status: 400,
      });
      expect(await err(s.restoreObject(b, 'arc', 0, undefined))).toMatchObject({ code: 'InvalidArgument' });
      expect(await err(s.restoreObject(b, 'cold', 366, undefined))).toMatchObject({
        code: 'InvalidArgument',
      });
      expect(await err(s.restoreObject(b, 'deep', 1, 'Bulk'))).toMatchObject({
        code: 'InvalidArgument',
        ec: '0016-00000703',
      });
      expect(await err(s.restoreObject(b, 'missing', 1, undefined))).toMatchObject({ code: 'NoSuchKey' });
      expect(await s.restoreObject(b, 'arc', 7, 'Bulk')).toBe('accepted');
      if (caps.restoreDetail) expect((await s.headObject(b, 'arc'))?.restore?.tier).toBe('Standard');
      expect(await s.restoreObject(b, 'cold', 365, 'Expedited')).toBe('accepted');
      expect(await s.restoreObject(b, 'deep', 1, undefined)).toBe('accepted');
      if (caps.restoreDetail) expect((await s.headObject(b, 'deep'))?.restore?.tier).toBe('Standard');
    });
  });
}
