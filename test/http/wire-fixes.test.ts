/**
 * Issue 9's seven wire fixes, each over a real socket (ali-oss in V1 and V4 where a client is involved).
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import OSS from 'ali-oss';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loopbackAgent,
  signedRawRequest,
  startTestServer,
  type LooseOss,
  type TestServer,
} from '../helpers/server.js';

const lines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, cb) {
    for (const l of chunk.toString().split('\n'))
      if (l.trim() !== '') lines.push(JSON.parse(l) as Record<string, unknown>);
    cb();
  },
});

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer({ logger: pino({ level: 'info' }, sink) });
});
afterAll(async () => {
  await ts.close();
});

type Err = { code?: string; status?: number; message?: string };
async function failure(p: Promise<unknown>): Promise<Err> {
  try {
    await p;
  } catch (e) {
    return e as Err;
  }
  throw new Error('expected the call to fail');
}

/** Sends raw bytes on one connection; resolves with everything received once the server closes it. */
function rawExchange(port: number, bytes: string): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve({ text: Buffer.concat(chunks).toString('latin1'), closed: true }));
  });
}

describe.each([
  ['V1', false],
  ['V4', true],
])('wire fixes through ali-oss (%s)', (name, v4) => {
  const bucket = `wire-${name.toLowerCase()}`;
  let svc: LooseOss;
  let c: LooseOss;
  beforeAll(async () => {
    svc = ts.anyClient({ v4 });
    c = ts.anyClient({ v4, bucket });
    await svc.putBucket(bucket);
  });

  it('1: a ColdArchive/DeepColdArchive restore names its tier on the 202 (Standard by default)', async () => {
    await c.put('cold', Buffer.from('x'), { headers: { 'x-oss-storage-class': 'ColdArchive' } });
    const bulk = await c.restore('cold', { type: 'ColdArchive', JobParameters: 'Bulk' });
    expect(bulk.res.status).toBe(202);
    expect(bulk.res.headers['x-oss-object-restore-priority']).toBe('Bulk');
    await c.put('deep', Buffer.from('x'), { headers: { 'x-oss-storage-class': 'DeepColdArchive' } });
    const plain = await signedRawRequest(ts, {
      method: 'POST',
      bucket,
      key: 'deep',
      subresources: { restore: '' },
      v4,
    });
    expect(plain.status).toBe(202);
    expect(plain.headers['x-oss-object-restore-priority']).toBe('Standard');
    await c.put('arch', Buffer.from('x'), { headers: { 'x-oss-storage-class': 'Archive' } });
    const archive = await c.restore('arch');
    expect(archive.res.status).toBe(202);
    expect(archive.res.headers['x-oss-object-restore-priority']).toBeUndefined();
  });

  it('2: a header holding UTF-8 bytes verifies (headerEncoding latin1); default-mode é still does', async () => {
    const latin1 = new OSS({
      endpoint: `http://localhost:${ts.port}`,
      accessKeyId: ts.root.accessKeyId,
      accessKeySecret: ts.root.secret,
      region: 'oss-cn-hangzhou',
      authorizationV4: v4,
      agent: loopbackAgent(),
      bucket,
      headerEncoding: 'latin1',
      sldEnable: true,
    } as ConstructorParameters<typeof OSS>[0]) as LooseOss;
    // In latin1 mode ali-oss sends the value's UTF-8 bytes and signs exactly those bytes.
    const value = '阿达的大多';
    const put = await latin1.put('meta-utf8', Buffer.from('m'), { meta: { a: value } });
    expect(put.res.status).toBe(200);
    const head = await c.head('meta-utf8');
    expect(Buffer.from(String(head.res.headers['x-oss-meta-a']), 'latin1').toString('utf8')).toBe(value);
    // Default mode: ali-oss sends é as the byte e9 but signs c3 a9; that was accepted and still is.
    const plain = await c.put('meta-e', Buffer.from('m'), { meta: { a: 'é' } });
    expect(plain.res.status).toBe(200);
  });

  it('3: a CopyObject 412 names the precondition header the client sent', async () => {
    await c.put('src', Buffer.from('source'));
    const viaAliOss = await failure(c.copy('dst', 'src', { headers: { 'If-Match': '"0000"' } }));
    expect(viaAliOss).toMatchObject({ code: 'PreconditionFailed', status: 412 });
    const copySource = `/${bucket}/src`;
    const standard = await signedRawRequest(ts, {
      method: 'PUT',
      bucket,
      key: 'dst',
      headers: { 'x-oss-copy-source': copySource, 'If-Unmodified-Since': 'Thu, 01 Jan 1970 00:00:00 GMT' },
      v4,
    });
    expect(standard.status).toBe(412);
    expect(standard.text).toContain('<Condition>If-Unmodified-Since</Condition>');
    const both = await signedRawRequest(ts, {
      method: 'PUT',
      bucket,
      key: 'dst',
      headers: { 'x-oss-copy-source': copySource, 'If-Match': '"00"', 'x-oss-copy-source-if-match': '"00"' },
      v4,
    });
    expect(both.text).toContain('<Condition>If-Match</Condition>');
    const prefixed = await signedRawRequest(ts, {
      method: 'PUT',
      bucket,
      key: 'dst',
      headers: { 'x-oss-copy-source': copySource, 'x-oss-copy-source-if-match': '"00"' },
      v4,
    });
    expect(prefixed.status).toBe(412);
    expect(prefixed.text).toContain('<Condition>x-oss-copy-source-if-match</Condition>');
  });

  it('ali-oss uploads of known-length streams (a file path, putStream with contentLength) land whole', async () => {
    const file = path.join(os.tmpdir(), `ossbatch-wire-${name}-${process.pid}.bin`);
    const data = Buffer.alloc(300 * 1024, 7);
    fs.writeFileSync(file, data);
    try {
      expect((await c.put('from-file', file)).res.status).toBe(200);
      const streamed = await c.putStream('from-stream', fs.createReadStream(file), {
        contentLength: data.length,
      });
      expect(streamed.res.status).toBe(200);
      for (const key of ['from-file', 'from-stream'])
        expect(Buffer.compare((await c.get(key)).content, data)).toBe(0);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it('5: RestoreObject on Archive with <JobParameters> is MalformedXML, whatever the restore state', async () => {
    await c.put('arch5', Buffer.from('x'), { headers: { 'x-oss-storage-class': 'Archive' } });
    const body =
      '<RestoreRequest><Days>2</Days><JobParameters><Tier>Standard</Tier></JobParameters></RestoreRequest>';
    const send = (): Promise<{ status: number; text: string }> =>
      signedRawRequest(ts, {
        method: 'POST',
        bucket,
        key: 'arch5',
        subresources: { restore: '' },
        headers: { 'content-type': 'application/xml' },
        body,
        v4,
      });
    const first = await send();
    expect(first.status).toBe(400);
    expect(first.text).toContain('<Code>MalformedXML</Code>');
    expect((await c.restore('arch5')).res.status).toBe(202);
    // Now restoring: the body is still judged first (not 409 RestoreAlreadyInProgress).
    const second = await send();
    expect(second.status).toBe(400);
    expect(second.text).toContain('<Code>MalformedXML</Code>');
  });

  it('6: PutBucketAcl answers with Location: /<bucket>', async () => {
    const res = await svc.putBucketACL(bucket, 'public-read');
    expect(res.res.headers.location).toBe(`/${bucket}`);
    await svc.putBucketACL(bucket, 'private');
  });

  it('7: GetBucketLocation on a missing bucket is 404 NoSuchBucket; unserved configs answer as OSS', async () => {
    expect(await failure(svc.getBucketLocation(`${bucket}-missing`))).toMatchObject({
      code: 'NoSuchBucket',
      status: 404,
    });
    expect((await svc.getBucketLocation(bucket)).location).toBe('oss-cn-hangzhou');
    expect(await failure(svc.getBucketLifecycle(bucket))).toMatchObject({
      code: 'NoSuchLifecycle',
      status: 404,
    });
    expect(await failure(svc.getBucketWebsite(bucket))).toMatchObject({
      code: 'NoSuchWebsiteConfiguration',
      status: 404,
    });
    expect((await svc.deleteBucketLifecycle(bucket)).res.status).toBe(204);
    expect((await svc.getBucketRequestPayment(bucket)).payer).toBe('BucketOwner');
    expect(await failure(svc.getBucketEncryption(bucket))).toMatchObject({
      code: 'NoSuchServerSideEncryptionRule',
      status: 404,
    });
    // An SDK cleanup loop: list multipart uploads, abort them, delete the objects, delete the bucket.
    const other = `${bucket}-cleanup`;
    await svc.putBucket(other);
    const oc = ts.anyClient({ v4, bucket: other });
    const { uploadId } = await oc.initMultipartUpload('pending');
    await oc.put('obj', Buffer.from('x'));
    const uploads = await oc.listUploads({ 'max-uploads': 100 });
    expect(uploads.uploads.map((u: { uploadId: string }) => u.uploadId)).toEqual([uploadId]);
    for (const u of uploads.uploads) await oc.abortMultipartUpload(u.name, u.uploadId);
    await oc.delete('obj');
    expect((await svc.deleteBucket(other)).res.status).toBe(204);
  });
});

describe('4: Content-Length together with Transfer-Encoding: chunked', () => {
  it('takes the chunked framing, closes the connection, runs nothing smuggled behind, and logs it', async () => {
    await ts.anyClient().putBucket('framing');
    const put = (key: string): string =>
      `PUT /framing/${key} HTTP/1.1\r\nHost: localhost\r\nx-oss-object-acl: public-read-write\r\n` +
      'Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n';
    // Anonymous writes need a public-read-write bucket.
    await ts.anyClient().putBucketACL('framing', 'public-read-write');
    const smuggled = 'PUT /framing/smuggled HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1\r\n\r\nX';
    const { text, closed } = await rawExchange(ts.port, put('obj') + smuggled);
    expect(closed).toBe(true);
    const responses = text.split('HTTP/1.1 ').filter((s) => s !== '');
    expect(responses).toHaveLength(1);
    expect(responses[0]).toMatch(/^200 /);
    expect(responses[0]).toMatch(/\r\nConnection: close\r\n/i);
    const c = ts.anyClient({ bucket: 'framing' });
    expect((await c.get('obj')).content.toString()).toBe('hello');
    expect(await failure(c.head('smuggled'))).toMatchObject({ status: 404 });
    const id = /x-oss-request-id: (\w+)/i.exec(responses[0] ?? '')?.[1];
    expect(lines.filter((l) => l.requestId === id && l.msg === 'request')).toMatchObject([
      { operation: 'PutObject', status: 200, method: 'PUT' },
    ]);
  });

  it('refuses a Transfer-Encoding other than chunked and closes the connection', async () => {
    const req =
      'PUT /framing/gz HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n';
    const { text, closed } = await rawExchange(ts.port, req);
    expect(closed).toBe(true);
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
    expect(text).toContain('<Code>InvalidRequest</Code>');
  });
});
