import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../src/server.js';
import { testConfig } from '../../helpers/server.js';
import { readAll } from '../contract/harness.js';
import { openRemote } from './open-remote.js';
import { STORE_KEY } from './remote-harness.js';

/** OSSBATCH_STORE_REGION switches the OSS adapter to V4 signatures; an ossbatch remote verifies them. */
let dir: string;
let remote: RunningServer;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-remote-'));
  remote = await startServer(
    testConfig(dir, { rootAccessKeyId: STORE_KEY.id, rootAccessKeySecret: STORE_KEY.secret }),
  );
});
afterAll(async () => {
  await remote.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('OSS adapter with a store region (V4)', () => {
  it('writes, reads, tags and lists with V4 signatures', async () => {
    const opened = await openRemote(`oss+http://127.0.0.1:${remote.port}`, {
      config: { storeRegion: 'oss-cn-hangzhou' },
    });
    const store = opened.store;
    try {
      await store.createBucket({ name: 'v4-bucket', owner: '1', acl: 'private', storageClass: 'Standard' });
      const meta = await store.putObject({
        bucket: 'v4-bucket',
        key: 'a b/c.txt',
        body: Readable.from([Buffer.from('signed v4')]),
      });
      await store.putObjectTags('v4-bucket', 'a b/c.txt', [{ key: 'k', value: 'v' }]);
      expect((await store.headObject('v4-bucket', 'a b/c.txt'))?.tags).toEqual([{ key: 'k', value: 'v' }]);
      expect((await readAll(store.readObject(meta))).toString()).toBe('signed v4');
      const page = await store.listObjects({ bucket: 'v4-bucket', prefix: 'a b/', maxKeys: 10 });
      expect(page.objects.map((o) => o.key)).toEqual(['a b/c.txt']);
      // Bucket configuration is ossbatch's own (the catalog), never sent to the store.
      await store.putBucketTags('v4-bucket', [{ key: 'team', value: 'a' }]);
      expect(await store.getBucketTags('v4-bucket')).toEqual([{ key: 'team', value: 'a' }]);
      // Multipart and versioning go out as raw requests with sub-resources and listing parameters: V4 signs
      // every query parameter, so each kind is exercised once.
      const up = await store.initiateUpload({ bucket: 'v4-bucket', key: 'm p', contentType: 'text/plain' });
      await store.uploadPart({
        bucket: 'v4-bucket',
        key: 'm p',
        uploadId: up.uploadId,
        partNumber: 1,
        body: Readable.from([Buffer.from('part one')]),
      });
      const uploads = await store.listUploads({
        bucket: 'v4-bucket',
        prefix: 'm',
        delimiter: '/',
        maxUploads: 5,
      });
      expect(uploads.uploads.map((u) => u.uploadId)).toEqual([up.uploadId]);
      const parts = await store.listParts({
        bucket: 'v4-bucket',
        key: 'm p',
        uploadId: up.uploadId,
        after: 0,
        maxParts: 5,
      });
      const done = await store.completeUpload({
        bucket: 'v4-bucket',
        key: 'm p',
        uploadId: up.uploadId,
        parts: parts.parts.map((p) => ({ partNumber: p.partNumber, etag: p.etag })),
      });
      expect((await readAll(store.readObject(done))).toString()).toBe('part one');
      await store.setBucketVersioning('v4-bucket', 'Enabled');
      const v = await store.putObject({
        bucket: 'v4-bucket',
        key: 'm p',
        body: Readable.from([Buffer.from('v2')]),
      });
      const versions = await store.listObjectVersions({
        bucket: 'v4-bucket',
        prefix: 'm',
        keyMarker: 'a',
        maxKeys: 1,
      });
      expect(versions.entries.map((e) => e.kind === 'version' && e.meta.versionId)).toEqual([v.versionId]);
      expect(versions.isTruncated).toBe(true);
      expect(await store.deleteVersion('v4-bucket', 'm p', v.versionId)).toMatchObject({
        deleteMarker: false,
      });
      expect(await store.getBucketCors('v4-bucket')).toBeUndefined();
      await expect(store.getBucketTags('no-such-bucket')).rejects.toMatchObject({ code: 'NoSuchBucket' });
    } finally {
      await opened.close();
    }
  });
});
