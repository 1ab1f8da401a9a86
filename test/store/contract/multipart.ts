import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ObjectStore } from '../../../src/store/object-store.js';
import { md5Hex, mkBucket, ossCode, putText, readAll, useHarness } from './harness.js';
import type { MakeStore, StoreCaps } from './harness.js';

const KB = 1024;
const part = (store: ObjectStore, key: string, uploadId: string, partNumber: number, body: Buffer) =>
  store.uploadPart({ bucket: 'bkt', key, uploadId, partNumber, body: Readable.from([body]) });

/** Every upload and common prefix of a ListMultipartUploads walk, page by page. */
async function listAll(s: ObjectStore, opts: { prefix?: string; delimiter?: string; maxUploads: number }) {
  const entries: string[] = [];
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (let pages = 0; pages < 50; pages += 1) {
    const page = await s.listUploads({ bucket: 'bkt', ...opts, keyMarker, uploadIdMarker });
    expect(page.uploads.length + page.commonPrefixes.length).toBeLessThanOrEqual(opts.maxUploads);
    // Within a page, prefixes and uploads interleave in key order.
    const merged = [
      ...page.commonPrefixes.map((p) => ({ at: p, label: `prefix:${p}` })),
      ...page.uploads.map((u) => ({ at: u.key, label: u.key })),
    ].sort((a, b) => Buffer.compare(Buffer.from(a.at), Buffer.from(b.at)));
    entries.push(...merged.map((e) => e.label));
    if (!page.isTruncated) return entries;
    keyMarker = page.nextKeyMarker;
    uploadIdMarker = page.nextUploadIdMarker;
  }
  throw new Error('listing did not end');
}

/** Multipart uploads and bucket configuration documents, as every ObjectStore adapter must keep them. */
export function multipartContract(makeStore: MakeStore, caps: StoreCaps): void {
  const ctx = useHarness(makeStore);

  describe('multipart uploads', () => {
    it('assembles the chosen parts, applies Initiate metadata, and survives a reopen in between', async () => {
      const s = ctx.h.store;
      await mkBucket(s);
      const up = await s.initiateUpload({
        bucket: 'bkt',
        key: 'k',
        contentType: 'text/x-mp',
        userMeta: { a: '1' },
        tags: [{ key: 't', value: 'v' }],
      });
      const p1 = randomBytes(100 * KB);
      await part(s, 'k', up.uploadId, 1, randomBytes(10)); // replaced below
      await part(s, 'k', up.uploadId, 1, p1);
      await part(s, 'k', up.uploadId, 2, Buffer.from('unused'));
      const p3 = await part(s, 'k', up.uploadId, 3, Buffer.from('tail'));
      const s2 = await ctx.h.reopen();
      const listed = await s2.listParts({
        bucket: 'bkt',
        key: 'k',
        uploadId: up.uploadId,
        after: 0,
        maxParts: 2,
      });
      expect(listed.parts.map((p) => [p.partNumber, p.size])).toEqual([
        [1, 100 * KB],
        [2, 6],
      ]);
      expect(listed.isTruncated).toBe(true);
      const meta = await s2.completeUpload({
        bucket: 'bkt',
        key: 'k',
        uploadId: up.uploadId,
        parts: [
          { partNumber: 1, etag: `"${md5Hex(p1)}"` },
          { partNumber: 3, etag: p3.etag.toLowerCase() },
        ],
      });
      expect(meta).toMatchObject({ size: 100 * KB + 4, contentType: 'text/x-mp', userMeta: { a: '1' } });
      expect(meta.tags).toEqual([{ key: 't', value: 'v' }]);
      expect(meta.etag).toMatch(/^[0-9A-F]{32}-2$/);
      expect(await readAll(s2.readObject(meta))).toEqual(Buffer.concat([p1, Buffer.from('tail')]));
      expect(
        await ossCode(
          s2.listParts({ bucket: 'bkt', key: 'k', uploadId: up.uploadId, after: 0, maxParts: 9 }),
        ),
      ).toBe('NoSuchUpload');
    });

    it('refuses an upload id of another key, and Complete after Abort', async () => {
      const s = ctx.h.store;
      await mkBucket(s);
      const up = await s.initiateUpload({ bucket: 'bkt', key: 'a', contentType: 'text/x' });
      expect(await ossCode(part(s, 'b', up.uploadId, 1, Buffer.from('x')))).toBe('NoSuchUpload');
      await s.abortUpload('bkt', 'a', up.uploadId);
      expect(
        await ossCode(s.completeUpload({ bucket: 'bkt', key: 'a', uploadId: up.uploadId, parts: 'all' })),
      ).toBe('NoSuchUpload');
    });

    it('lists uploads in key then age order, rolling keys up at the delimiter, across every page size', async () => {
      const s = ctx.h.store;
      await mkBucket(s);
      for (const key of ['a/1', 'a/2', 'b', 'b', 'c/x', 'c/y/z', 'd']) {
        await s.initiateUpload({ bucket: 'bkt', key, contentType: 'text/x' });
        ctx.h.clock.advance(1);
      }
      for (const maxUploads of [1, 2, 3, 1000]) {
        expect(await listAll(s, { maxUploads })).toEqual(['a/1', 'a/2', 'b', 'b', 'c/x', 'c/y/z', 'd']);
        expect(await listAll(s, { delimiter: '/', maxUploads })).toEqual([
          'prefix:a/',
          'b',
          'b',
          'prefix:c/',
          'd',
        ]);
        expect(await listAll(s, { prefix: 'c/', delimiter: '/', maxUploads })).toEqual([
          'c/x',
          'prefix:c/y/',
        ]);
      }
    });
  });

  // Bucket tags, CORS and stat together: on stores that keep multipart uploads and bucket configuration.
  if (!caps.bucketConfig) return;
  describe('bucket configuration', () => {
    it('keeps tags and CORS across a reopen, counts stats, and drops them with the bucket', async () => {
      const s = ctx.h.store;
      await mkBucket(s);
      await putText(s, 'bkt', 'x', 'hello');
      await s.putBucketTags('bkt', [{ key: 'k', value: 'v' }]);
      const cors = {
        rules: [
          {
            allowedOrigins: ['*'],
            allowedMethods: ['GET'],
            allowedHeaders: [],
            exposeHeaders: [],
            maxAgeSeconds: 5,
          },
        ],
        responseVary: true,
      };
      await s.putBucketCors('bkt', cors);
      const s2 = await ctx.h.reopen();
      expect(await s2.getBucketTags('bkt')).toEqual([{ key: 'k', value: 'v' }]);
      expect(await s2.getBucketCors('bkt')).toEqual(cors);
      expect(await s2.getBucketStat('bkt')).toMatchObject({
        storage: 5,
        objectCount: 1,
        multipartUploadCount: 0,
      });
      await s2.deleteVersion('bkt', 'x', undefined);
      await s2.deleteBucket('bkt');
      await mkBucket(s2);
      expect(await s2.getBucketTags('bkt')).toEqual([]);
      expect(await s2.getBucketCors('bkt')).toBeUndefined();
      expect(await ossCode(s2.getBucketTags('none'))).toBe('NoSuchBucket');
    });
  });
}
