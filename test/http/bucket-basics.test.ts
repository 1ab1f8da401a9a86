/**
 * Bucket basics (issue 9) through ali-oss in V1 and V4: GetBucketInfo, GetBucketLocation, GetBucketStat,
 * bucket tagging and CORS; CORS preflights and CORS headers as raw requests (browsers send them unsigned).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, startTestServer, type LooseOss, type TestServer } from '../helpers/server.js';

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer();
});
afterAll(async () => {
  await ts.close();
});

type Err = { code?: string; status?: number };
async function failure(p: Promise<unknown>): Promise<Err> {
  try {
    await p;
  } catch (e) {
    return e as Err;
  }
  throw new Error('expected the call to fail');
}

describe.each([
  ['V1', false],
  ['V4', true],
])('bucket basics (%s)', (name, v4) => {
  const bucket = `basics-${name.toLowerCase()}`;
  let svc: LooseOss;
  let c: LooseOss;
  beforeAll(async () => {
    svc = ts.anyClient({ v4 });
    c = ts.anyClient({ v4, bucket });
    await svc.putBucket(bucket);
  });

  it('GetBucketInfo and GetBucketLocation', async () => {
    const info = await svc.getBucketInfo(bucket);
    expect(info.bucket).toMatchObject({ Name: bucket, Location: 'oss-cn-hangzhou' });
    expect((await svc.getBucketLocation(bucket)).location).toBe('oss-cn-hangzhou');
    expect(await failure(svc.getBucketInfo(`${bucket}-none`))).toMatchObject({
      code: 'NoSuchBucket',
      status: 404,
    });
  });

  it('GetBucketStat counts objects, bytes per class and multipart uploads', async () => {
    await c.put('s/a', Buffer.alloc(100));
    await c.put('s/b', Buffer.alloc(23), { headers: { 'x-oss-storage-class': 'IA' } });
    const { uploadId } = await c.initMultipartUpload('s/pending');
    await c.uploadPart('s/pending', uploadId, 1, Buffer.alloc(5), 0, 5);
    const { stat } = await svc.getBucketStat(bucket);
    expect(stat).toMatchObject({
      Storage: '123',
      ObjectCount: '2',
      MultipartUploadCount: '1',
      MultipartPartCount: '1',
      StandardStorage: '100',
      StandardObjectCount: '1',
      InfrequentAccessStorage: '23',
      InfrequentAccessObjectCount: '1',
    });
    expect(Number(stat.LastModifiedTime)).toBeGreaterThan(0);
    await c.abortMultipartUpload('s/pending', uploadId);
  });

  it('puts, gets and deletes bucket tags, and refuses invalid ones', async () => {
    expect((await svc.getBucketTags(bucket)).tag).toEqual({});
    await svc.putBucketTags(bucket, { team: 'storage', env: 'test' });
    expect((await svc.getBucketTags(bucket)).tag).toEqual({ team: 'storage', env: 'test' });
    await svc.putBucketTags(bucket, { only: 'one' });
    expect((await svc.getBucketTags(bucket)).tag).toEqual({ only: 'one' });
    const tooMany = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v']));
    const body = `<Tagging><TagSet>${Object.keys(tooMany)
      .map((k) => `<Tag><Key>${k}</Key><Value>v</Value></Tag>`)
      .join('')}</TagSet></Tagging>`;
    const refused = await failure(
      svc.request({
        method: 'PUT',
        bucket,
        subres: 'tagging',
        content: body,
        mime: 'xml',
        successStatuses: [200],
      }),
    );
    expect(refused).toMatchObject({ code: 'InvalidTag', status: 400 });
    expect((await svc.deleteBucketTags(bucket)).status).toBe(204);
    expect((await svc.getBucketTags(bucket)).tag).toEqual({});
  });

  it('puts, gets and deletes CORS rules; GET without rules is NoSuchCORSConfiguration', async () => {
    expect(await failure(svc.getBucketCORS(bucket))).toMatchObject({
      code: 'NoSuchCORSConfiguration',
      status: 404,
    });
    await svc.putBucketCORS(bucket, [
      {
        allowedOrigin: ['https://app.example.com', 'https://*.example.org'],
        allowedMethod: ['GET', 'PUT'],
        allowedHeader: ['x-oss-*', 'content-type'],
        exposeHeader: ['ETag', 'x-oss-request-id'],
        maxAgeSeconds: '600',
      },
    ]);
    const got = await svc.getBucketCORS(bucket);
    expect(got.rules).toEqual([
      {
        allowedOrigin: ['https://app.example.com', 'https://*.example.org'],
        allowedMethod: ['GET', 'PUT'],
        allowedHeader: ['x-oss-*', 'content-type'],
        exposeHeader: ['ETag', 'x-oss-request-id'],
        maxAgeSeconds: '600',
      },
    ]);
    expect(
      await failure(svc.putBucketCORS(bucket, [{ allowedOrigin: '*', allowedMethod: 'PATCH' }])),
    ).toMatchObject({ code: 'InvalidArgument', status: 400 });
    expect((await svc.deleteBucketCORS(bucket)).res.status).toBe(204);
    expect(await failure(svc.getBucketCORS(bucket))).toMatchObject({ code: 'NoSuchCORSConfiguration' });
  });
});

describe('CORS preflight and response headers (raw, unsigned as browsers send them)', () => {
  const bucket = 'cors-raw';
  beforeAll(async () => {
    await ts.anyClient().putBucket(bucket);
    await ts.anyClient().putBucketACL(bucket, 'public-read');
    await ts.anyClient({ bucket }).put('page.html', Buffer.from('<p>hi</p>'));
  });

  const preflight = (origin: string, method: string, headers?: string): ReturnType<typeof rawRequest> =>
    rawRequest(ts.url, {
      method: 'OPTIONS',
      path: `/${bucket}/page.html`,
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': method,
        ...(headers !== undefined ? { 'Access-Control-Request-Headers': headers } : {}),
      },
    });

  it('refuses preflights while the bucket has no CORS rules (403 AccessForbidden)', async () => {
    const res = await preflight('https://app.example.com', 'GET');
    expect(res.status).toBe(403);
    expect(res.text).toContain('<Code>AccessForbidden</Code>');
  });

  it('answers a matching preflight with the rule, refuses others, and decorates matching responses', async () => {
    await ts.anyClient().putBucketCORS(bucket, [
      {
        allowedOrigin: 'https://*.example.com',
        allowedMethod: ['GET', 'HEAD'],
        allowedHeader: 'x-oss-*',
        exposeHeader: 'ETag',
        maxAgeSeconds: '300',
      },
    ]);
    const ok = await preflight('https://app.example.com', 'GET', 'x-oss-date, X-OSS-Meta-A');
    expect(ok.status).toBe(200);
    expect(ok.headers).toMatchObject({
      'access-control-allow-origin': 'https://app.example.com',
      'access-control-allow-methods': 'GET, HEAD',
      'access-control-allow-headers': 'x-oss-date, X-OSS-Meta-A',
      'access-control-expose-headers': 'ETag',
      'access-control-max-age': '300',
    });
    expect((await preflight('https://evil.test', 'GET')).status).toBe(403);
    expect((await preflight('https://app.example.com', 'PUT')).status).toBe(403);
    expect((await preflight('https://app.example.com', 'GET', 'authorization')).status).toBe(403);
    const missing = await rawRequest(ts.url, { method: 'OPTIONS', path: `/${bucket}/page.html` });
    expect(missing.status).toBe(400);
    const nobucket = await rawRequest(ts.url, {
      method: 'OPTIONS',
      path: '/no-such-bucket-here/x',
      headers: { Origin: 'https://a.example.com', 'Access-Control-Request-Method': 'GET' },
    });
    expect(nobucket.status).toBe(404);

    const get = await rawRequest(ts.url, {
      path: `/${bucket}/page.html`,
      headers: { Origin: 'https://app.example.com' },
    });
    expect(get.status).toBe(200);
    expect(get.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(get.headers['access-control-expose-headers']).toBe('ETag');
    // Errors carry the headers too, so a browser script can read the OSS error.
    const missingKey = await rawRequest(ts.url, {
      path: `/${bucket}/no-such-key`,
      headers: { Origin: 'https://app.example.com' },
    });
    expect(missingKey.status).toBe(404);
    expect(missingKey.headers['access-control-allow-origin']).toBe('https://app.example.com');
    const other = await rawRequest(ts.url, {
      path: `/${bucket}/page.html`,
      headers: { Origin: 'https://x.test' },
    });
    expect(other.status).toBe(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
