import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OffsetClock } from '../../src/protocol/clock.js';
import { rawRequest, startTestServer, type TestServer, type LooseOss } from '../helpers/server.js';

let ts: TestServer;
const clock = new OffsetClock();
beforeAll(async () => {
  ts = await startTestServer({ clock });
});
afterAll(async () => {
  await ts.close();
});

const code = (xml: string): string | undefined => /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];

describe.each([
  ['V1', false],
  ['V4', true],
])('presigned URLs and virtual-hosted style (%s)', (name, v4) => {
  const bucket = `presign-${name.toLowerCase()}`;
  let c: LooseOss;

  beforeAll(async () => {
    await ts.anyClient({ v4 }).putBucket(bucket);
    c = ts.anyClient({ v4, bucket });
    await c.put('dir/a b+c.txt', Buffer.from('presigned body'));
  });

  async function presign(key: string, expires: number): Promise<string> {
    if (!v4) return c.signatureUrl(key, { expires });
    const client = c as unknown as {
      signatureUrlV4(m: string, e: number, r?: unknown, k?: string): Promise<string>;
    };
    return client.signatureUrlV4('GET', expires, undefined, key);
  }

  it('serves a presigned GET fetched with fetch()', async () => {
    const url = await presign('dir/a b+c.txt', 600);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('presigned body');
  });

  it('refuses an expired presigned URL with AccessDenied', async () => {
    const url = await presign('dir/a b+c.txt', 60);
    clock.advance(120_000);
    try {
      const res = await fetch(url);
      expect(res.status).toBe(403);
      expect(code(await res.text())).toBe('AccessDenied');
    } finally {
      clock.advance(-120_000);
    }
  });

  it('refuses a presigned URL whose signature was tampered with', async () => {
    const url = new URL(await presign('dir/a b+c.txt', 600));
    const param = v4 ? 'x-oss-signature' : 'Signature';
    url.searchParams.set(param, `${url.searchParams.get(param) ?? ''}x`);
    const res = await fetch(url);
    expect(res.status).toBe(403);
    expect(code(await res.text())).toBe('SignatureDoesNotMatch');
  });

  it('routes virtual-hosted requests (Host: <bucket>.localhost)', async () => {
    const vh = ts.anyClient({ v4, bucket, virtualHosted: true });
    await vh.put('vh/key 1.txt', Buffer.from('virtual'));
    expect((await vh.get('vh/key 1.txt')).content.toString()).toBe('virtual');
    expect((await c.get('vh/key 1.txt')).content.toString()).toBe('virtual');
    const listed = await vh.list({ prefix: 'vh/' }, {});
    expect(listed.objects?.map((o: { name: string }) => o.name)).toEqual(['vh/key 1.txt']);
    await vh.putObjectTagging('vh/key 1.txt', { a: 'b' });
    expect((await vh.getObjectTagging('vh/key 1.txt')).tag).toEqual({ a: 'b' });
  });

  it('accepts the oss-<region>.aliyuncs.com host style sent by ali-oss with an IP endpoint', async () => {
    const res = await rawRequest(ts.url, {
      path: '/',
      headers: { host: `${bucket}.oss-cn-hangzhou.aliyuncs.com` },
    });
    // Anonymous listing of a private bucket: the bucket was recognised from the Host (else NoSuchBucket/ListBuckets).
    expect(res.status).toBe(403);
    expect(code(res.text)).toBe('AccessDenied');
    const missing = await rawRequest(ts.url, {
      path: '/',
      headers: { host: 'nope-bucket.oss-cn-hangzhou.aliyuncs.com' },
    });
    expect(code(missing.text)).toBe('NoSuchBucket');
  });
});
