/**
 * Bucket configuration ossbatch serves itself over a remote store (issue 8), through real processes: a front
 * `ossbatch server --store oss+http://…` in front of another ossbatch process (the remote store), driven by
 * ali-oss against the front. Tags, CORS rules and inventory configurations live in the front's bucket catalog
 * (the remote store never sees them); an inventory run lists the remote bucket and writes its files into the
 * destination bucket in the remote store, with tags and ACLs read per object (a remote listing has neither).
 */
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClient, rawRequest, type LooseOss } from '../../helpers/server.js';
import { type ServerProcess } from './cli-process.js';
import { BACK_KEY, startFrontAndBack, type FrontAndBack } from './front-back.js';

const FRONT_KEY = { accessKeyId: 'LTAIcfgfrontroot001', secret: 'cfg-front-secret-00000000000000000001' };

let back: ServerProcess;
let front: ServerProcess;

let procs: FrontAndBack | undefined;

beforeAll(async () => {
  procs = await startFrontAndBack({
    prefix: 'cfg',
    frontKey: FRONT_KEY,
  });
  ({ back, front } = procs);
}, 90_000);

afterAll(async () => {
  await procs?.stop();
});

const failure = (p: Promise<unknown>): Promise<{ code?: string; status?: number }> =>
  p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: { code?: string; status?: number }) => e,
  );

const frontUrl = (): string => `http://127.0.0.1:${front.port}`;

describe.each([false, true])('bucket configuration over a remote store (v4=%s)', (v4) => {
  const name = (what: string): string => `${what}-${v4 ? 'v4' : 'v1'}`;
  const root = (): LooseOss => makeClient(front.port, FRONT_KEY, { v4 });
  const direct = (): LooseOss => makeClient(back.port, BACK_KEY, { v4 });

  it('bucket tags: put, replace, delete through ali-oss; kept by ossbatch, not the store', async () => {
    const bucket = name('tags');
    await root().putBucket(bucket);
    expect((await root().getBucketTags(bucket)).tag).toEqual({});
    await root().putBucketTags(bucket, { team: 'storage', env: 'test' });
    expect((await root().getBucketTags(bucket)).tag).toEqual({ team: 'storage', env: 'test' });
    await root().putBucketTags(bucket, { only: 'one' });
    expect((await root().getBucketTags(bucket)).tag).toEqual({ only: 'one' });
    expect((await direct().getBucketTags(bucket)).tag).toEqual({});
    expect((await root().deleteBucketTags(bucket)).status).toBe(204);
    expect((await root().getBucketTags(bucket)).tag).toEqual({});
    expect(await failure(root().getBucketTags('no-such-bucket-cfg'))).toMatchObject({
      code: 'NoSuchBucket',
      status: 404,
    });
  });

  it('CORS: rules set through ali-oss answer browsers’ preflights and decorate responses', async () => {
    const bucket = name('cors');
    await root().putBucket(bucket);
    await makeClient(front.port, FRONT_KEY, { v4, bucket }).put('page.html', Buffer.from('<p>hi</p>'));
    await root().putBucketACL(bucket, 'public-read');
    const preflight = () =>
      rawRequest(frontUrl(), {
        method: 'OPTIONS',
        path: `/${bucket}/page.html`,
        headers: { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'GET' },
      });
    expect((await preflight()).status).toBe(403);
    await root().putBucketCORS(bucket, [
      {
        allowedOrigin: 'https://*.example.com',
        allowedMethod: ['GET', 'HEAD'],
        exposeHeader: 'ETag',
        maxAgeSeconds: '300',
      },
    ]);
    expect((await root().getBucketCORS(bucket)).rules).toEqual([
      {
        allowedOrigin: 'https://*.example.com',
        allowedMethod: ['GET', 'HEAD'],
        exposeHeader: 'ETag',
        maxAgeSeconds: '300',
      },
    ]);
    const ok = await preflight();
    expect(ok.status).toBe(200);
    expect(ok.headers).toMatchObject({
      'access-control-allow-origin': 'https://app.example.com',
      'access-control-allow-methods': 'GET, HEAD',
      'access-control-max-age': '300',
    });
    const get = await rawRequest(frontUrl(), {
      path: `/${bucket}/page.html`,
      headers: { Origin: 'https://app.example.com' },
    });
    expect([get.status, get.text, get.headers['access-control-expose-headers']]).toEqual([
      200,
      '<p>hi</p>',
      'ETag',
    ]);
    // The rules are ossbatch's: the store behind it has none.
    expect(await failure(direct().getBucketCORS(bucket))).toMatchObject({ code: 'NoSuchCORSConfiguration' });
    expect((await root().deleteBucketCORS(bucket)).res.status).toBe(204);
    expect((await preflight()).status).toBe(403);
  });

  it('inventory: configured through ali-oss, run over the remote bucket, files written into the remote store', async () => {
    const src = name('inv-src');
    const dest = name('inv-dest');
    await root().putBucket(src);
    await root().putBucket(dest);
    const c: LooseOss = makeClient(front.port, FRONT_KEY, { v4, bucket: src });
    await c.put('a.txt', Buffer.from('aaa'), { headers: { 'x-oss-tagging': 'k1=v1&k2=v2' } });
    await c.put('b.txt', Buffer.from('bb'));
    await c.putACL('b.txt', 'public-read');
    const accountId = (await root().getBucketInfo(src)).bucket.Owner.ID as string;
    await root().putBucketInventory(src, {
      id: 'daily',
      isEnabled: true,
      prefix: '',
      OSSBucketDestination: {
        format: 'CSV',
        accountId,
        rolename: 'AliyunOSSRole',
        bucket: dest,
        prefix: 'inv',
      },
      frequency: 'Daily',
      includedObjectVersions: 'Current',
      optionalFields: { field: ['Size', 'ObjectAcl', 'TaggingCount'] },
    });
    expect((await root().getBucketInventory(src, 'daily')).inventory).toMatchObject({ id: 'daily' });
    expect((await root().listBucketInventory(src)).inventoryList.map((i: { id: string }) => i.id)).toEqual([
      'daily',
    ]);
    const run = await c.request({
      method: 'POST',
      bucket: src,
      subres: { inventory: '', inventoryId: 'daily' },
      successStatuses: [200],
      xmlResponse: true,
    });
    const manifestKey = run.data.ManifestKey as string;
    // Read back from the remote store itself: the files are there, not in the front's data dir.
    const d: LooseOss = makeClient(back.port, BACK_KEY, { v4, bucket: dest });
    const manifest = JSON.parse(((await d.get(manifestKey)).content as Buffer).toString()) as {
      files: { key: string }[];
      fileSchema: string;
    };
    expect(manifest.fileSchema).toBe('Bucket, Key, Size, ObjectAcl, TaggingCount');
    const rows: string[] = [];
    for (const f of manifest.files)
      rows.push(
        ...gunzipSync((await d.get(f.key)).content as Buffer)
          .toString()
          .trim()
          .split('\n'),
      );
    expect(rows).toEqual([`"${src}","a.txt","3","default","2"`, `"${src}","b.txt","2","public-read","0"`]);
    expect((await root().deleteBucketInventory(src, 'daily')).status).toBe(204);
    expect(await failure(root().getBucketInventory(src, 'daily'))).toMatchObject({ code: 'NoSuchInventory' });
  });
});
