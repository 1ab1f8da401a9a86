import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OffsetClock } from '../../src/protocol/clock.js';
import { signedRawRequest, startTestServer, type TestServer, type LooseOss } from '../helpers/server.js';

let ts: TestServer;
const clock = new OffsetClock();

beforeAll(async () => {
  ts = await startTestServer({ clock });
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
])('object APIs over the wire (%s)', (name, v4) => {
  const bucket = `objects-${name.toLowerCase()}`;
  let svc: LooseOss;
  let c: LooseOss;

  beforeAll(async () => {
    svc = ts.anyClient({ v4 });
    c = ts.anyClient({ v4, bucket });
    await svc.putBucket(bucket);
  });

  it('lists, describes and sets the ACL of buckets', async () => {
    const list = await svc.listBuckets({});
    expect(list.buckets?.map((b: { name: string }) => b.name)).toContain(bucket);
    const mine = list.buckets?.find((b: { name: string }) => b.name === bucket);
    expect(mine?.region).toBe('oss-cn-hangzhou');
    const info = (await svc.getBucketInfo(bucket)) as unknown as { bucket: Record<string, unknown> };
    expect(info.bucket.Name).toBe(bucket);
    expect(info.bucket.StorageClass).toBe('Standard');
    expect((await svc.getBucketACL(bucket)).acl).toBe('private');
    await svc.putBucketACL(bucket, 'public-read');
    expect((await svc.getBucketACL(bucket)).acl).toBe('public-read');
    await svc.putBucketACL(bucket, 'private');
  });

  it('creates an IA bucket from CreateBucketConfiguration and deletes it (204)', async () => {
    const other = `${bucket}-ia`;
    await svc.putBucket(other, { storageClass: 'IA' });
    const info = (await svc.getBucketInfo(other)) as unknown as { bucket: Record<string, unknown> };
    expect(info.bucket.StorageClass).toBe('IA');
    const del = await svc.deleteBucket(other);
    expect(del.res.status).toBe(204);
    expect((await failure(svc.getBucketInfo(other))).code).toBe('NoSuchBucket');
  });

  it('puts and gets objects with metadata, and odd keys survive byte for byte', async () => {
    const keys = ['a b+c.txt', 'lit%20eral', 'ünï/cødé ✓.bin', 'dir//double', 'sp ace/ ', 'q?x=1&y#z'];
    for (const key of keys) {
      const put = await c.put(key, Buffer.from(`body of ${key}`), {
        meta: { owner: 'me' },
        mime: 'text/plain',
      });
      expect(put.res.status).toBe(200);
      const got = await c.get(key);
      expect(got.content.toString()).toBe(`body of ${key}`);
    }
    const listed = await c.listV2({ 'max-keys': '1000' });
    expect(listed.objects.map((o: { name: string }) => o.name).sort()).toEqual([...keys].sort());
    const head = await c.head('a b+c.txt');
    expect(head.res.headers).toMatchObject({
      'content-type': 'text/plain',
      'x-oss-meta-owner': 'me',
      'x-oss-object-type': 'Normal',
    });
    expect((head.res.headers as Record<string, string>).etag).toMatch(/^"[0-9A-F]{32}"$/);
  });

  it('keeps dot-segment keys intact over a raw socket (x/../y, .., ./a)', async () => {
    for (const key of ['x/../y', '..', './a', 'p/./q/..']) {
      const put = await signedRawRequest(ts, { method: 'PUT', bucket, key, body: `dots ${key}`, v4 });
      expect(put.status).toBe(200);
      const got = await signedRawRequest(ts, { method: 'GET', bucket, key, v4 });
      expect(got.text).toBe(`dots ${key}`);
    }
    const listed = await c.list({ prefix: 'x/' }, {});
    expect(listed.objects?.map((o: { name: string }) => o.name)).toEqual(['x/../y']);
    expect((await failure(c.get('y'))).code).toBe('NoSuchKey');
  });

  it('streams a chunked upload and reads ranges', async () => {
    const body = Buffer.alloc(200_000, 'abcdefghij');
    const put = await c.putStream(
      'big/chunked.bin',
      Readable.from([body.subarray(0, 70_000), body.subarray(70_000)]),
    );
    expect(put.res.status).toBe(200);
    const whole = await c.get('big/chunked.bin');
    expect(Buffer.compare(whole.content as Buffer, body)).toBe(0);
    const part = await c.get('big/chunked.bin', undefined, { headers: { Range: 'bytes=10-19' } });
    expect(part.res.status).toBe(206);
    expect((part.res.headers as Record<string, string>)['content-range']).toBe(`bytes 10-19/${body.length}`);
    expect(part.content.toString()).toBe(body.subarray(10, 20).toString());
    const suffix = await c.get('big/chunked.bin', undefined, { headers: { Range: 'bytes=-5' } });
    expect(suffix.content.toString()).toBe(body.subarray(body.length - 5).toString());
    const open = await c.get('big/chunked.bin', undefined, {
      headers: { Range: `bytes=${body.length - 3}-` },
    });
    expect(open.content.length).toBe(3);
    // OSS default: an unsatisfiable range serves the whole object with 200.
    const beyond = await c.get('big/chunked.bin', undefined, { headers: { Range: 'bytes=999999999-' } });
    expect(beyond.res.status).toBe(200);
    expect(beyond.content.length).toBe(body.length);
  });

  it('honours conditional headers and response-* overrides', async () => {
    await c.put('cond.txt', Buffer.from('x'));
    const etag = (await c.head('cond.txt')).res.headers as Record<string, string>;
    const notModified = await c.get('cond.txt', undefined, { headers: { 'If-None-Match': etag.etag ?? '' } });
    expect(notModified.res.status).toBe(304);
    expect((await failure(c.get('cond.txt', undefined, { headers: { 'If-Match': '"00"' } }))).status).toBe(
      412,
    );
    const future = new Date(Date.now() + 3_600_000).toUTCString();
    expect(
      (await c.get('cond.txt', undefined, { headers: { 'If-Modified-Since': future } })).res.status,
    ).toBe(304);
    const url = c.signatureUrl('cond.txt', { response: { 'content-type': 'text/x-custom' } });
    const res = await fetch(url);
    expect(res.headers.get('content-type')).toBe('text/x-custom');
  });

  it('copies objects with COPY and REPLACE directives', async () => {
    await c.put('src.txt', Buffer.from('copy me'), { meta: { a: '1' }, headers: { 'x-oss-tagging': 'k=v' } });
    const copied = await c.copy('dst.txt', 'src.txt');
    expect(copied.res.status).toBe(200);
    expect((await c.get('dst.txt')).content.toString()).toBe('copy me');
    expect((await c.head('dst.txt')).res.headers).toMatchObject({
      'x-oss-meta-a': '1',
      'x-oss-tagging-count': '1',
    });
    await c.copy('dst2.txt', 'src.txt', { meta: { b: '2' } });
    const h = (await c.head('dst2.txt')).res.headers as Record<string, string>;
    expect(h['x-oss-meta-b']).toBe('2');
    expect(h['x-oss-meta-a']).toBeUndefined();
  });

  it('honours x-oss-copy-source-if-* (412 / 304, nothing copied) and x-oss-forbid-overwrite (409)', async () => {
    await c.put('csrc.txt', Buffer.from('source'));
    const etag = ((await c.head('csrc.txt')).res.headers as Record<string, string>).etag ?? '';
    const ifMatch = await failure(
      c.copy('cdst.txt', 'csrc.txt', { headers: { 'x-oss-copy-source-if-match': '"00"' } }),
    );
    expect(ifMatch).toMatchObject({ status: 412, code: 'PreconditionFailed' });
    const unchanged = await c.copy('cdst.txt', 'csrc.txt', {
      headers: { 'x-oss-copy-source-if-none-match': etag },
    });
    expect(unchanged.res.status).toBe(304);
    expect((await failure(c.head('cdst.txt'))).status).toBe(404);
    const copied = await c.copy('cdst.txt', 'csrc.txt', { headers: { 'x-oss-copy-source-if-match': etag } });
    expect(copied.res.status).toBe(200);

    const forbid = { headers: { 'x-oss-forbid-overwrite': 'true' } };
    const put = await failure(c.put('cdst.txt', Buffer.from('other'), forbid));
    expect(put).toMatchObject({ status: 409, code: 'FileAlreadyExists' });
    const copy = await failure(c.copy('cdst.txt', 'csrc.txt', forbid));
    expect(copy).toMatchObject({ status: 409, code: 'FileAlreadyExists' });
    expect((await c.get('cdst.txt')).content.toString()).toBe('source');
    expect((await c.put('fresh.txt', Buffer.from('new'), forbid)).res.status).toBe(200);
  });

  it('gets object meta and deletes objects (204, also when missing)', async () => {
    await c.put('meta.txt', Buffer.from('12345'));
    const meta = await c.getObjectMeta('meta.txt');
    expect(meta.status).toBe(200);
    expect((meta.res.headers as Record<string, string>)['x-oss-object-size']).toBe('5');
    expect((await c.delete('meta.txt')).res.status).toBe(204);
    expect((await c.delete('meta.txt')).res.status).toBe(204);
    expect((await failure(c.get('meta.txt'))).code).toBe('NoSuchKey');
  });

  it('puts, gets and deletes tagging, also from x-oss-tagging', async () => {
    await c.put('tags.txt', Buffer.from('t'), { headers: { 'x-oss-tagging': 'a=1&b%20c=d%2Be' } });
    expect((await c.getObjectTagging('tags.txt')).tag).toEqual({ a: '1', 'b c': 'd+e' });
    await c.putObjectTagging('tags.txt', { 'proj ect': 'x:y/z' });
    expect((await c.getObjectTagging('tags.txt')).tag).toEqual({ 'proj ect': 'x:y/z' });
    const del = await c.deleteObjectTagging('tags.txt');
    expect(del.status).toBe(204);
    expect((await c.getObjectTagging('tags.txt')).tag).toEqual({});
  });

  it('puts and gets object ACLs', async () => {
    await c.put('acl.txt', Buffer.from('a'));
    expect((await c.getACL('acl.txt')).acl).toBe('default');
    await c.putACL('acl.txt', 'public-read');
    const got = await c.getACL('acl.txt');
    expect(got.acl).toBe('public-read');
    expect(got.owner.id).toBe(ts.root.accountId);
  });

  it('restores archive objects: 403 frozen, 202, 409 in progress, readable when done', async () => {
    await c.put('cold.bin', Buffer.from('frozen'), { headers: { 'x-oss-storage-class': 'ColdArchive' } });
    expect(await failure(c.get('cold.bin'))).toMatchObject({ code: 'InvalidObjectState', status: 403 });
    const restore = await c.restore('cold.bin', { type: 'ColdArchive', Days: 2, JobParameters: 'Expedited' });
    expect(restore.res.status).toBe(202);
    expect((await c.head('cold.bin')).res.headers).toMatchObject({
      'x-oss-restore': 'ongoing-request="true"',
    });
    expect(
      await failure(c.restore('cold.bin', { type: 'ColdArchive', JobParameters: 'Expedited' })),
    ).toMatchObject({ code: 'RestoreAlreadyInProgress', status: 409 });
    // ali-oss sends Tier=Standard by default: slower than the running Expedited restore (spec §11.3).
    expect(await failure(c.restore('cold.bin', { type: 'ColdArchive' }))).toMatchObject({
      code: 'InvalidArgument',
      status: 400,
      ecCode: '0016-00000715',
    });
    clock.advance(1000);
    expect((await c.get('cold.bin')).content.toString()).toBe('frozen');
    expect((await c.head('cold.bin')).res.headers['x-oss-restore']).toMatch(
      /ongoing-request="false", expiry-date=/,
    );
    await c.put('warm.bin', Buffer.from('w'));
    expect(await failure(c.restore('warm.bin'))).toMatchObject({
      code: 'OperationNotSupported',
      status: 400,
    });
  });
});

describe.each([
  ['V1', false],
  ['V4', true],
])('listing (%s)', (name, v4) => {
  const bucket = `listing-${name.toLowerCase()}`;
  let c: LooseOss;
  const keys = ['a/1', 'a/2', 'a/b/3', 'b/1', 'c', 'd e/f', 'z+z'];

  beforeAll(async () => {
    await ts.anyClient({ v4 }).putBucket(bucket);
    c = ts.anyClient({ v4, bucket });
    for (const k of keys) await c.put(k, Buffer.from(k));
  });

  it('pages ListObjects v1 with a delimiter', async () => {
    const seen: string[] = [];
    let marker: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await c.list({ delimiter: '/', 'max-keys': 2, ...(marker ? { marker } : {}) }, {});
      seen.push(...(page.objects ?? []).map((o: { name: string }) => o.name), ...(page.prefixes ?? []));
      if (!page.isTruncated) break;
      marker = page.nextMarker;
    }
    expect(seen).toEqual(['a/', 'b/', 'c', 'd e/', 'z+z']);
  });

  it('pages ListObjectsV2 with continuation tokens and url encoding', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await c.listV2(
        { prefix: 'a/', 'max-keys': '1', ...(token ? { 'continuation-token': token } : {}) },
        {},
      );
      seen.push(...page.objects.map((o: { name: string }) => o.name));
      if (!page.isTruncated) break;
      token = page.nextContinuationToken;
    }
    expect(seen).toEqual(['a/1', 'a/2', 'a/b/3']);
    const encoded = await c.listV2({ prefix: 'd e', 'encoding-type': 'url' }, {});
    // ali-oss does not decode encoding-type=url replies: the wire form is what it returns.
    expect(encoded.objects.map((o: { name: string }) => o.name)).toEqual(['d%20e%2Ff']);
    const after = await c.listV2({ 'start-after': 'c', 'fetch-owner': true }, {});
    expect(after.objects.map((o: { name: string }) => o.name)).toEqual(['d e/f', 'z+z']);
    expect(after.objects[0]?.owner?.id).toBe(ts.root.accountId);
  });

  it('refuses a bad max-keys with InvalidArgument', async () => {
    expect(await failure(c.list({ 'max-keys': 5000 }, {}))).toMatchObject({
      code: 'InvalidArgument',
      status: 400,
    });
  });
});
