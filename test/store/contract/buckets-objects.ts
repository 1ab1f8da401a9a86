import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  chunked,
  md5B64,
  md5Hex,
  mkBucket,
  OWNER,
  ossCode,
  putText,
  readAll,
  useHarness,
} from './harness.js';
import { itIf, type MakeStore, type StoreCaps } from './harness.js';

export function bucketAndObjectContract(makeStore: MakeStore, caps: StoreCaps): void {
  const ctx = useHarness(makeStore);

  describe('buckets', () => {
    it('creates, lists, reads, changes ACL and policy, deletes when empty', async () => {
      const s = ctx.h.store;
      const info = await s.createBucket({
        name: 'alpha',
        owner: OWNER,
        acl: 'public-read',
        storageClass: 'IA',
      });
      expect(info).toMatchObject({
        name: 'alpha',
        owner: OWNER,
        acl: 'public-read',
        storageClass: 'IA',
        policy: null,
      });
      expect(info.createdAt).toBe(ctx.h.clock.now());
      await s.createBucket({ name: 'beta', owner: OWNER, acl: 'private', storageClass: 'Standard' });
      await s.createBucket({ name: 'gamma', owner: '999', acl: 'private', storageClass: 'Standard' });
      expect((await s.listBuckets(OWNER)).map((b) => b.name)).toEqual(['alpha', 'beta']);
      await s.setBucketAcl('alpha', 'private');
      await s.setBucketPolicy('alpha', '{"Version":"1"}');
      expect(await s.getBucket('alpha')).toMatchObject({ acl: 'private', policy: '{"Version":"1"}' });
      await s.setBucketPolicy('alpha', null);
      expect((await s.getBucket('alpha'))?.policy).toBeNull();
      await putText(s, 'alpha', 'k', 'v');
      expect(await ossCode(s.deleteBucket('alpha'))).toBe('BucketNotEmpty');
      await s.deleteVersion('alpha', 'k', undefined);
      await s.deleteBucket('alpha');
      expect(await s.getBucket('alpha')).toBeUndefined();
    });

    it('refuses duplicates and reports missing buckets', async () => {
      const s = ctx.h.store;
      await mkBucket(s, 'dup');
      expect(await ossCode(mkBucket(s, 'dup'))).toBe('BucketAlreadyExists');
      expect(await ossCode(s.deleteBucket('nope'))).toBe('NoSuchBucket');
      expect(await ossCode(s.setBucketAcl('nope', 'private'))).toBe('NoSuchBucket');
      expect(await ossCode(putText(s, 'nope', 'k', 'v'))).toBe('NoSuchBucket');
      expect(await ossCode(s.headObject('nope', 'k'))).toBe('NoSuchBucket');
      expect(await ossCode(s.listObjects({ bucket: 'nope', maxKeys: 10 }))).toBe('NoSuchBucket');
    });
  });

  describe('objects', () => {
    it('puts, heads, reads and deletes with metadata', async () => {
      const s = ctx.h.store;
      const b = await mkBucket(s);
      const data = Buffer.from('hello, object store');
      const meta = await s.putObject({
        bucket: b,
        key: 'dir/file.txt',
        body: chunked(data, 4),
        contentType: 'text/plain',
        contentLength: data.length,
        contentMd5: md5B64(data),
        storageClass: 'IA',
        acl: 'public-read',
        userMeta: { color: 'blue' },
        httpHeaders: { 'Cache-Control': 'no-cache' },
        tags: [{ key: 'a', value: '1' }],
      });
      expect(meta).toMatchObject({
        bucket: b,
        key: 'dir/file.txt',
        size: data.length,
        etag: md5Hex(data),
        contentType: 'text/plain',
        storageClass: 'IA',
        acl: caps.tagsOnWrite ? 'public-read' : 'default',
        restore: null,
      });
      expect(meta.etag).toMatch(/^[0-9A-F]{32}$/);
      expect(meta.versionId.length).toBeGreaterThan(0);
      const head = await s.headObject(b, 'dir/file.txt');
      expect(head).toEqual(meta);
      expect(head?.userMeta).toEqual({ color: 'blue' });
      expect(head?.httpHeaders).toEqual({ 'Cache-Control': 'no-cache' });
      if (caps.tagsOnWrite) expect(head?.tags).toEqual([{ key: 'a', value: '1' }]);
      expect((await readAll(s.readObject(meta))).toString()).toBe('hello, object store');
      expect(await s.deleteVersion(b, 'dir/file.txt', undefined)).toMatchObject({ deleteMarker: false });
      // OSS answers 204 for a key that is not there: no error, and nothing to delete.
      expect(await s.deleteVersion(b, 'dir/file.txt', undefined)).toMatchObject({ deleteMarker: false });
      expect(await s.headObject(b, 'dir/file.txt')).toBeUndefined();
    });

    it('overwrites with a new version id and new bytes; empty bodies work', async () => {
      const s = ctx.h.store;
      const b = await mkBucket(s);
      const v1 = await putText(s, b, 'k', 'first');
      ctx.h.clock.advance(1000);
      const v2 = await putText(s, b, 'k', 'second!');
      if (caps.versionIds) expect(v2.versionId).not.toBe(v1.versionId);
      if (caps.clockDriven) expect(v2.lastModified).toBe(v1.lastModified + 1000);
      else expect(v2.lastModified).toBeGreaterThanOrEqual(v1.lastModified);
      expect((await readAll(s.readObject(v2))).toString()).toBe('second!');
      const empty = await s.putObject({ bucket: b, key: 'empty', body: Readable.from([]) });
      expect(empty).toMatchObject({
        size: 0,
        etag: 'D41D8CD98F00B204E9800998ECF8427E',
        contentType: 'application/octet-stream',
        acl: 'default',
        storageClass: 'Standard',
      });
      expect((await readAll(s.readObject(empty))).length).toBe(0);
    });

    it('stores odd keys exactly', async () => {
      const s = ctx.h.store;
      const b = await mkBucket(s);
      const dotted = ['../up/..', 'dir/../x'];
      for (const key of dotted) {
        if (!caps.dotSegmentKeys) expect(await ossCode(putText(s, b, key, 'v'))).toBe('InvalidObjectName');
      }
      const keys = [
        'with space',
        'a+b',
        ...(caps.dotSegmentKeys ? dotted : []),
        '中文/ключ/🙂',
        '%20literal',
        ...(caps.longKeys ? ['x'.repeat(1023)] : []),
        'trailing/',
      ];
      for (const key of keys) await putText(s, b, key, `body of ${key.slice(0, 20)}`);
      for (const key of keys) {
        const meta = await s.headObject(b, key);
        expect(meta?.key).toBe(key);
        expect((await readAll(s.readObject(meta!))).toString()).toBe(`body of ${key.slice(0, 20)}`);
      }
      expect(await s.headObject(b, ' with space')).toBeUndefined();
      expect(await s.headObject(b, 'with%20space')).toBeUndefined();
      expect(await ossCode(putText(s, b, 'y'.repeat(1024), 'v'))).toBe('InvalidObjectName');
      if (caps.byteOrderListing) {
        const page = await s.listObjects({ bucket: b, maxKeys: 1000 });
        expect(page.objects.map((o) => o.key).sort()).toEqual([...keys].sort());
      }
    });

    it('reads inclusive ranges', async () => {
      const s = ctx.h.store;
      const b = await mkBucket(s);
      const meta = await putText(s, b, 'r', '0123456789');
      expect((await readAll(s.readObject(meta, { start: 2, end: 5 }))).toString()).toBe('2345');
      expect((await readAll(s.readObject(meta, { start: 9, end: 9 }))).toString()).toBe('9');
      expect((await readAll(s.readObject(meta, { start: 0, end: 9 }))).toString()).toBe('0123456789');
    });

    it('stores nothing when Content-MD5 or Content-Length do not match', async () => {
      const s = ctx.h.store;
      const b = await mkBucket(s);
      const bad = await ossCode(putText(s, b, 'm', 'payload', { contentMd5: md5B64('other') }));
      expect(bad).toBe('InvalidDigest');
      expect(await ossCode(putText(s, b, 'm', 'payload', { contentMd5: 'not-base64!' }))).toBe(
        'InvalidDigest',
      );
      expect(await ossCode(putText(s, b, 'm', 'payload', { contentLength: 100 }))).toBe('IncompleteBody');
      expect(await s.headObject(b, 'm')).toBeUndefined();
      const old = await putText(s, b, 'm', 'kept');
      expect(await ossCode(putText(s, b, 'm', 'payload', { contentMd5: md5B64('x') }))).toBe('InvalidDigest');
      const still = await s.headObject(b, 'm');
      expect(still?.versionId).toBe(old.versionId);
      expect((await readAll(s.readObject(still!))).toString()).toBe('kept');
    });

    it('copies with COPY and REPLACE directives', async () => {
      const s = ctx.h.store;
      const b = await mkBucket(s);
      const b2 = await mkBucket(s, 'other');
      const src = await putText(s, b, 'src', 'copy me', {
        contentType: 'text/x',
        userMeta: { m: '1' },
        tags: [{ key: 't', value: 'v' }],
        acl: 'private',
      });
      const c1 = await s.copyObject({
        sourceBucket: b,
        sourceKey: 'src',
        bucket: b2,
        key: 'dst',
        metadataDirective: 'COPY',
        taggingDirective: 'COPY',
      });
      expect(c1).toMatchObject({
        bucket: b2,
        key: 'dst',
        etag: src.etag,
        size: src.size,
        contentType: 'text/x',
        userMeta: { m: '1' },
        tags: caps.tagsOnWrite ? [{ key: 't', value: 'v' }] : [],
      });
      if (caps.versionIds) expect(c1.versionId).not.toBe(src.versionId);
      expect((await readAll(s.readObject(c1))).toString()).toBe('copy me');
      const c2 = await s.copyObject({
        sourceBucket: b,
        sourceKey: 'src',
        bucket: b,
        key: 'src',
        metadataDirective: 'REPLACE',
        contentType: 'text/y',
        userMeta: { n: '2' },
        storageClass: 'IA',
        taggingDirective: 'REPLACE',
        tags: [],
      });
      expect(c2).toMatchObject({ contentType: 'text/y', userMeta: { n: '2' }, storageClass: 'IA', tags: [] });
      expect((await readAll(s.readObject(c2))).toString()).toBe('copy me');
      expect(
        await ossCode(
          s.copyObject({
            sourceBucket: b,
            sourceKey: 'missing',
            bucket: b,
            key: 'x',
            metadataDirective: 'COPY',
            taggingDirective: 'COPY',
          }),
        ),
      ).toBe('NoSuchKey');
      expect(
        await ossCode(
          s.copyObject({
            sourceBucket: b,
            sourceKey: 'src',
            bucket: 'nobucket',
            key: 'x',
            metadataDirective: 'COPY',
            taggingDirective: 'COPY',
          }),
        ),
      ).toBe('NoSuchBucket');
    });

    itIf(caps.restore)('refuses to copy a frozen archive object', async () => {
      const s = ctx.h.store;
      const b = await mkBucket(s);
      await putText(s, b, 'cold', 'zzz', { storageClass: 'Archive' });
      const code = await ossCode(
        s.copyObject({
          sourceBucket: b,
          sourceKey: 'cold',
          bucket: b,
          key: 'x',
          metadataDirective: 'COPY',
          taggingDirective: 'COPY',
        }),
      );
      expect(code).toBe('InvalidObjectState');
    });
  });
}
