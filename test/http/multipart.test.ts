/**
 * Multipart upload over the wire with ali-oss 6.23.0 in V1 and V4: multipartUpload (checkpoint + resume),
 * multipartUploadCopy, listUploads / listParts paging, abort, Complete's validation and OSS's limits.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createUserWithPolicy,
  signedRawRequest,
  startTestServer,
  type LooseOss,
  type TestServer,
} from '../helpers/server.js';

let ts: TestServer;
let tmp: string;
beforeAll(async () => {
  ts = await startTestServer();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-mp-'));
});
afterAll(async () => {
  await ts.close();
  fs.rmSync(tmp, { recursive: true, force: true });
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

const KB = 1024;
const md5 = (b: Buffer): Buffer => createHash('md5').update(b).digest();
/** OSS's multipart ETag: MD5 of the parts' binary MD5s, then -N. */
const multipartEtag = (parts: Buffer[]): string =>
  `"${createHash('md5')
    .update(Buffer.concat(parts.map(md5)))
    .digest('hex')
    .toUpperCase()}-${parts.length}"`;

describe.each([
  ['V1', false],
  ['V4', true],
])('multipart upload (%s)', (name, v4) => {
  const bucket = `mp-${name.toLowerCase()}`;
  let c: LooseOss;
  beforeAll(async () => {
    await ts.anyClient({ v4 }).putBucket(bucket);
    c = ts.anyClient({ v4, bucket });
  });

  it('multipartUpload of a file: the whole object, OSS ETag, Multipart type, metadata from Initiate', async () => {
    const data = randomBytes(350 * KB);
    const file = path.join(tmp, `${name}-whole.bin`);
    fs.writeFileSync(file, data);
    const res = await c.multipartUpload('big/whole.bin', file, {
      partSize: 100 * KB,
      meta: { origin: 'test' },
      mime: 'application/x-test',
    });
    expect(res.res.status).toBe(200);
    const parts = [0, 1, 2, 3].map((i) => data.subarray(i * 100 * KB, (i + 1) * 100 * KB));
    expect(res.etag).toBe(multipartEtag(parts));
    const got = await c.get('big/whole.bin');
    expect(Buffer.compare(got.content, data)).toBe(0);
    const head = await c.head('big/whole.bin');
    expect(head.res.headers).toMatchObject({
      'x-oss-object-type': 'Multipart',
      'content-type': 'application/x-test',
      'x-oss-meta-origin': 'test',
      etag: multipartEtag(parts),
    });
    expect((await c.listUploads({ prefix: 'big/' })).uploads).toEqual([]);
  });

  it('resumes an interrupted multipartUpload from its checkpoint, re-sending only missing parts', async () => {
    const data = randomBytes(600 * KB);
    const file = path.join(tmp, `${name}-resume.bin`);
    fs.writeFileSync(file, data);
    let checkpoint: { uploadId: string; doneParts: unknown[] } | undefined;
    const first = await failure(
      c.multipartUpload('resume.bin', file, {
        partSize: 100 * KB,
        parallel: 1,
        progress: (_p: number, cpt: { uploadId: string; doneParts: unknown[] }) => {
          checkpoint = cpt;
          if (cpt !== undefined && cpt.doneParts.length === 2) c.cancel();
        },
      }),
    );
    expect(first).toMatchObject({ name: 'cancel' });
    expect(checkpoint?.doneParts.length).toBe(2);
    const listed = await c.listParts('resume.bin', checkpoint?.uploadId);
    expect(listed.parts.map((p: { PartNumber: string }) => p.PartNumber)).toEqual(['1', '2']);
    const resumed = await c.multipartUpload('resume.bin', file, { checkpoint, partSize: 100 * KB });
    expect(resumed.res.status).toBe(200);
    expect(Buffer.compare((await c.get('resume.bin')).content, data)).toBe(0);
  });

  it('multipartUploadCopy copies a byte range part by part (UploadPartCopy with ranges)', async () => {
    const data = randomBytes(450 * KB);
    await c.put('copy-src.bin', data);
    const res = await c.multipartUploadCopy(
      'copy-dst.bin',
      { sourceKey: 'copy-src.bin', sourceBucketName: bucket, startOffset: 10, endOffset: 350 * KB },
      { partSize: 100 * KB },
    );
    expect(res.res.status).toBe(200);
    const got = await c.get('copy-dst.bin');
    // ali-oss copies [startOffset, endOffset).
    expect(Buffer.compare(got.content, data.subarray(10, 350 * KB))).toBe(0);
  });

  it('lists uploads with key/upload-id markers and parts with part-number markers; aborts', async () => {
    const ids: string[] = [];
    for (const key of ['l/a', 'l/b', 'l/b', 'l/c/d']) ids.push((await c.initMultipartUpload(key)).uploadId);
    const page1 = await c.listUploads({ prefix: 'l/', 'max-uploads': 2 });
    expect(page1.uploads.map((u: { name: string }) => u.name)).toEqual(['l/a', 'l/b']);
    expect(page1.isTruncated).toBe(true);
    const page2 = await c.listUploads({
      prefix: 'l/',
      'max-uploads': 2,
      'key-marker': page1.nextKeyMarker,
      'upload-id-marker': page1.nextUploadIdMarker,
    });
    expect(page2.uploads.map((u: { uploadId: string }) => u.uploadId)).toEqual([ids[2], ids[3]]);
    expect(page2.isTruncated).toBe(false);
    const rolled = await c.listUploads({ prefix: 'l/', delimiter: '/' });
    expect(rolled.uploads.map((u: { name: string }) => u.name)).toEqual(['l/a', 'l/b', 'l/b']);
    expect(rolled.res.data.toString()).toContain('<CommonPrefixes><Prefix>l/c/</Prefix></CommonPrefixes>');

    for (let n = 1; n <= 3; n += 1) await c.uploadPart('l/a', ids[0], n, Buffer.alloc(10, n), 0, 10);
    const parts1 = await c.listParts('l/a', ids[0], { 'max-parts': 2 });
    expect(parts1.parts.map((p: { PartNumber: string }) => p.PartNumber)).toEqual(['1', '2']);
    expect(parts1.isTruncated).toBe('true');
    const parts2 = await c.listParts('l/a', ids[0], { 'part-number-marker': parts1.nextPartNumberMarker });
    expect([parts2.parts].flat().map((p: { PartNumber: string }) => p.PartNumber)).toEqual(['3']);

    for (const [i, key] of ['l/a', 'l/b', 'l/b', 'l/c/d'].entries())
      expect((await c.abortMultipartUpload(key, ids[i])).res.status).toBe(204);
    expect((await c.listUploads({ prefix: 'l/' })).uploads).toEqual([]);
    expect(await failure(c.listParts('l/a', ids[0]))).toMatchObject({ code: 'NoSuchUpload', status: 404 });
    expect(await failure(c.abortMultipartUpload('l/a', ids[0]))).toMatchObject({ code: 'NoSuchUpload' });
  });

  it('validates Complete: InvalidPartOrder, InvalidPart (number or ETag), EntityTooSmall, NoSuchUpload', async () => {
    const { uploadId } = await c.initMultipartUpload('v.bin');
    const big = randomBytes(100 * KB);
    const small = Buffer.from('tail');
    const p1 = await c.uploadPart('v.bin', uploadId, 1, big, 0, big.length);
    const p2 = await c.uploadPart('v.bin', uploadId, 2, small, 0, small.length);
    const p3 = await c.uploadPart('v.bin', uploadId, 3, small, 0, small.length);
    const complete = (parts: { number: number; etag: string }[]): Promise<unknown> =>
      c.completeMultipartUpload('v.bin', uploadId, parts);
    // ali-oss sorts its list; a raw body keeps the order we give.
    const body = `<CompleteMultipartUpload><Part><PartNumber>2</PartNumber><ETag>${p2.etag}</ETag></Part><Part><PartNumber>1</PartNumber><ETag>${p1.etag}</ETag></Part></CompleteMultipartUpload>`;
    const order = await signedRawRequest(ts, {
      method: 'POST',
      bucket,
      key: 'v.bin',
      subresources: { uploadId },
      headers: { 'content-type': 'application/xml' },
      body,
      v4,
    });
    expect(order.status).toBe(400);
    expect(order.text).toContain('<Code>InvalidPartOrder</Code>');
    expect(
      await failure(
        complete([
          { number: 1, etag: p1.etag },
          { number: 4, etag: p2.etag },
        ]),
      ),
    ).toMatchObject({
      code: 'InvalidPart',
      status: 400,
    });
    expect(await failure(complete([{ number: 1, etag: p2.etag }]))).toMatchObject({ code: 'InvalidPart' });
    expect(
      await failure(
        complete([
          { number: 2, etag: p2.etag },
          { number: 3, etag: p3.etag },
        ]),
      ),
    ).toMatchObject({ code: 'EntityTooSmall', status: 400 });
    const ok = await complete([
      { number: 1, etag: p1.etag },
      { number: 3, etag: p3.etag },
    ]);
    expect((ok as { etag: string }).etag).toBe(multipartEtag([big, small]));
    expect(Buffer.compare((await c.get('v.bin')).content, Buffer.concat([big, small]))).toBe(0);
    expect(await failure(complete([{ number: 1, etag: p1.etag }]))).toMatchObject({
      code: 'NoSuchUpload',
      status: 404,
    });
  });

  it('completes with x-oss-complete-all: yes (no body), refuses a body with it, and checks partNumber', async () => {
    const { uploadId } = await c.initMultipartUpload('all.bin');
    const a = randomBytes(100 * KB);
    const b = Buffer.from('end');
    await c.uploadPart('all.bin', uploadId, 5, b, 0, b.length);
    await c.uploadPart('all.bin', uploadId, 2, a, 0, a.length);
    const withBody = await signedRawRequest(ts, {
      method: 'POST',
      bucket,
      key: 'all.bin',
      subresources: { uploadId },
      headers: { 'x-oss-complete-all': 'yes', 'content-type': 'application/xml' },
      body: '<CompleteMultipartUpload></CompleteMultipartUpload>',
      v4,
    });
    expect(withBody.status).toBe(400);
    expect(withBody.text).toContain('<EC>0042-00000216</EC>');
    const done = await signedRawRequest(ts, {
      method: 'POST',
      bucket,
      key: 'all.bin',
      subresources: { uploadId },
      headers: { 'x-oss-complete-all': 'yes' },
      v4,
    });
    expect(done.status).toBe(200);
    expect(done.headers.etag).toBe(multipartEtag([a, b]));
    expect(done.text.replace(/&quot;/g, '"')).toContain(`<ETag>${multipartEtag([a, b])}</ETag>`);
    expect(Buffer.compare((await c.get('all.bin')).content, Buffer.concat([a, b]))).toBe(0);
    // The same through a <CompleteAll>yes</CompleteAll> body; and x-oss-forbid-overwrite holds at Complete.
    const { uploadId: again } = await c.initMultipartUpload('all.bin');
    await c.uploadPart('all.bin', again, 1, b, 0, b.length);
    const completeAllBody = (headers: Record<string, string>): Promise<{ status: number; text: string }> =>
      signedRawRequest(ts, {
        method: 'POST',
        bucket,
        key: 'all.bin',
        subresources: { uploadId: again },
        headers: { 'content-type': 'application/xml', ...headers },
        body: '<CompleteMultipartUpload><CompleteAll>yes</CompleteAll></CompleteMultipartUpload>',
        v4,
      });
    const forbidden = await completeAllBody({ 'x-oss-forbid-overwrite': 'true' });
    expect(forbidden.status).toBe(409);
    expect(forbidden.text).toContain('<Code>FileAlreadyExists</Code>');
    expect((await completeAllBody({})).status).toBe(200);
    expect((await c.get('all.bin')).content.toString()).toBe('end');
    const { uploadId: other } = await c.initMultipartUpload('pn.bin');
    for (const bad of [0, 10001]) {
      expect(await failure(c.uploadPart('pn.bin', other, bad, b, 0, b.length))).toMatchObject({
        code: 'InvalidArgument',
        status: 400,
      });
    }
    await c.abortMultipartUpload('pn.bin', other);
  });

  it('refuses to delete a bucket that still has multipart uploads', async () => {
    const other = `${bucket}-busy`;
    await ts.anyClient({ v4 }).putBucket(other);
    const oc = ts.anyClient({ v4, bucket: other });
    const { uploadId } = await oc.initMultipartUpload('x');
    expect(await failure(ts.anyClient({ v4 }).deleteBucket(other))).toMatchObject({
      code: 'BucketNotEmpty',
      status: 409,
    });
    await oc.abortMultipartUpload('x', uploadId);
    expect((await ts.anyClient({ v4 }).deleteBucket(other)).res.status).toBe(204);
  });
});

describe('multipart RAM actions', () => {
  it('Initiate, UploadPart(Copy) and Complete are oss:PutObject; Abort, ListParts, ListMultipartUploads their own', async () => {
    await ts.anyClient().putBucket('mp-ram');
    await ts.anyClient({ bucket: 'mp-ram' }).put('src.bin', randomBytes(10));
    const writer = await createUserWithPolicy(ts, 'mp-writer', {
      Version: '1',
      Statement: [
        { Effect: 'Allow', Action: ['oss:PutObject', 'oss:GetObject'], Resource: ['acs:oss:*:*:mp-ram/*'] },
      ],
    });
    const w = ts.anyClient({ bucket: 'mp-ram', accessKeyId: writer.accessKeyId, secret: writer.secret });
    const { uploadId } = await w.initMultipartUpload('w.bin');
    const part = await w.uploadPart('w.bin', uploadId, 1, Buffer.from('abc'), 0, 3);
    const copied = await w.uploadPartCopy('w.bin', uploadId, 2, '0-9', {
      sourceKey: 'src.bin',
      sourceBucketName: 'mp-ram',
    });
    expect(copied.etag).toMatch(/^"[0-9A-F]{32}"$/);
    for (const denied of [
      w.listParts('w.bin', uploadId),
      w.listUploads({}),
      w.abortMultipartUpload('w.bin', uploadId),
    ])
      expect(await failure(denied)).toMatchObject({ code: 'AccessDenied', status: 403 });
    const done = await w.completeMultipartUpload('w.bin', uploadId, [{ number: 1, etag: part.etag }]);
    expect(done.res.status).toBe(200);

    const reader = await createUserWithPolicy(ts, 'mp-reader', {
      Version: '1',
      Statement: [{ Effect: 'Allow', Action: ['oss:GetObject'], Resource: ['acs:oss:*:*:mp-ram/*'] }],
    });
    const r = ts.anyClient({ bucket: 'mp-ram', accessKeyId: reader.accessKeyId, secret: reader.secret });
    expect(await failure(r.initMultipartUpload('r.bin'))).toMatchObject({ code: 'AccessDenied' });
  });
});
