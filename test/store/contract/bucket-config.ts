import { describe, expect, it } from 'vitest';
import { mkBucket, ossCode, useHarness, type MakeStore } from './harness.js';

const CORS = {
  rules: [
    {
      allowedOrigins: ['https://app.example'],
      allowedMethods: ['GET', 'PUT'],
      allowedHeaders: ['x-oss-meta-*'],
      exposeHeaders: ['ETag'],
      maxAgeSeconds: 5,
    },
  ],
  responseVary: true,
};

/** Bucket tags and CORS rules: kept across a reopen, replaced and removed, dropped with the bucket. */
export function bucketConfigContract(makeStore: MakeStore): void {
  describe('bucket tags and CORS', () => {
    const ctx = useHarness(makeStore);

    it('keeps tags and CORS across a reopen, replaces and removes them, and drops them with the bucket', async () => {
      const s = ctx.h.store;
      await mkBucket(s);
      expect(await s.getBucketTags('bkt')).toEqual([]);
      expect(await s.getBucketCors('bkt')).toBeUndefined();
      await s.putBucketTags('bkt', [
        { key: 'k', value: 'v' },
        { key: 'owner', value: '' },
      ]);
      await s.putBucketCors('bkt', CORS);
      const s2 = await ctx.h.reopen();
      expect(await s2.getBucketTags('bkt')).toEqual([
        { key: 'k', value: 'v' },
        { key: 'owner', value: '' },
      ]);
      expect(await s2.getBucketCors('bkt')).toEqual(CORS);
      await s2.putBucketTags('bkt', [{ key: 'only', value: '1' }]);
      expect(await s2.getBucketTags('bkt')).toEqual([{ key: 'only', value: '1' }]);
      await s2.putBucketTags('bkt', []);
      expect(await s2.getBucketTags('bkt')).toEqual([]);
      await s2.putBucketTags('bkt', [{ key: 'again', value: '2' }]);
      await s2.deleteBucket('bkt');
      expect(await ossCode(s2.getBucketTags('bkt'))).toBe('NoSuchBucket');
      expect(await ossCode(s2.putBucketCors('bkt', CORS))).toBe('NoSuchBucket');
      await mkBucket(s2);
      expect(await s2.getBucketTags('bkt')).toEqual([]);
      expect(await s2.getBucketCors('bkt')).toBeUndefined();
      expect(await ossCode(s2.getBucketCors('none'))).toBe('NoSuchBucket');
      expect(await ossCode(s2.putBucketTags('none', []))).toBe('NoSuchBucket');
    });
  });
}
