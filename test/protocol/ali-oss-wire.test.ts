import http from 'node:http';
import type { AddressInfo } from 'node:net';
import OSS from 'ali-oss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateSync } from '../../src/protocol/authenticate.js';
import { ManualClock } from '../../src/protocol/clock.js';
import { isOssError } from '../../src/protocol/oss-error.js';
import { parseRequestTarget } from '../../src/protocol/request-target.js';
import { requestPath, signV1, signV4 } from '../../src/protocol/sign-client.js';
import { keyRecord } from './helpers.js';

/**
 * The real ali-oss 6.23.0 client, over a real socket, against parseRequestTarget + authenticate fed from the raw
 * request line (real-clients §7). A tiny node:http server stands in for the HTTP layer.
 */
interface Seen {
  url: string;
  bucket?: string | undefined;
  key?: string | undefined;
  outcome: string;
}

const clock = new ManualClock(Date.now());
const keys = new Map([['AKID', keyRecord('AKID', 'SECRET')]]);
const seen: Seen[] = [];
let server: http.Server;
let port = 0;

function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
  req.resume();
  req.on('end', () => {
    const url = req.url ?? '/';
    try {
      clock.set(Date.now());
      const target = parseRequestTarget({ rawUrl: url, host: req.headers.host, baseDomains: ['localhost'] });
      const p = authenticateSync(
        { method: req.method ?? 'GET', target, headers: req.headers },
        { lookupKey: (id) => keys.get(id), clock, region: 'cn-hangzhou' },
      );
      seen.push({ url, bucket: target.bucket, key: target.key, outcome: p.kind });
      res.writeHead(req.method === 'DELETE' ? 204 : target.query.has('restore') ? 202 : 200, {
        'x-oss-request-id': 'A'.repeat(24),
      });
      res.end();
    } catch (e) {
      const code = isOssError(e) ? e.code : 'InternalError';
      seen.push({ url, outcome: code });
      const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>x</Message><RequestId>${'A'.repeat(24)}</RequestId><HostId>h</HostId></Error>`;
      res.writeHead(isOssError(e) ? e.status : 500, {
        'content-type': 'application/xml',
        'x-oss-request-id': 'A'.repeat(24),
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    }
  });
}

beforeAll(async () => {
  server = http.createServer(handle);
  await new Promise<void>((r) => server.listen(0, r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

/** `request` is ali-oss's private-but-stable core; the tagging methods exist in 6.23.0 but not in @types/ali-oss. */
type Client = OSS & {
  request(params: Record<string, unknown>): Promise<unknown>;
  putObjectTagging(name: string, tags: Record<string, string>): Promise<unknown>;
  deleteObjectTagging(name: string): Promise<unknown>;
};

function client(v4: boolean, secret = 'SECRET'): Client {
  const opts = {
    endpoint: `http://localhost:${port}`,
    sldEnable: true,
    bucket: 'bkt1',
    accessKeyId: 'AKID',
    accessKeySecret: secret,
    region: 'oss-cn-hangzhou',
    authorizationV4: v4,
  };
  // sldEnable is not in @types/ali-oss (real-clients §1.3)
  const c: unknown = new OSS(opts);
  return c as Client;
}

const last = (): Seen => {
  const s = seen.at(-1);
  if (!s) throw new Error('no request seen');
  return s;
};

const ODD_KEYS = ['dir/a b+c.txt', 'x%20y', '中文/😀.txt', 'a//b', "q'(*)!~&=?#.txt", ' lead', 'tail '];

describe.each([
  ['V1', false],
  ['V4', true],
])('ali-oss %s over a real socket', (_name, v4) => {
  it.each(ODD_KEYS)('put/get/head key %j', async (key) => {
    const c = client(v4);
    await c.put(key, Buffer.from('hello'));
    expect(last()).toMatchObject({ bucket: 'bkt1', key, outcome: 'root' });
    await c.get(key);
    expect(last()).toMatchObject({ key, outcome: 'root' });
    await c.head(key);
    expect(last()).toMatchObject({ key, outcome: 'root' });
  });

  // ali-oss's urllib folds `/bkt1/..` into `/` before sending, so dot segments go through node:http directly,
  // signed with our client signer (which test/protocol/sign-client.test.ts checks against ali-oss's signer).
  it.each(['..', 'dir/../x', './.', 'a/./b'])(
    'dot-segment key %j reaches the server unnormalised',
    async (key) => {
      const req = {
        method: 'PUT',
        bucket: 'bkt1',
        key,
        accessKeyId: 'AKID',
        secret: 'SECRET',
        region: 'cn-hangzhou',
        date: new Date(),
      };
      const headers = (v4 ? signV4 : signV1)(req);
      const status = await new Promise<number>((resolve, reject) => {
        const r = http.request(
          { host: 'localhost', port, method: 'PUT', path: requestPath(req), headers },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        r.on('error', reject);
        r.end();
      });
      expect(status).toBe(200);
      expect(last()).toMatchObject({ key, outcome: 'root' });
    },
  );

  it('sub-resource calls: tagging, acl, restore, objectMeta, listV2 with continuation-token', async () => {
    const c = client(v4);
    await c.putObjectTagging('a b+c.txt', { k1: 'v 1' });
    expect(last()).toMatchObject({ outcome: 'root' });
    await c.deleteObjectTagging('a b+c.txt');
    expect(last().outcome).toBe('root');
    await c.putACL('a b+c.txt', 'public-read');
    expect(last().outcome).toBe('root');
    await c.request({
      method: 'POST',
      bucket: 'bkt1',
      object: 'a b+c.txt',
      subres: { restore: '' },
      successStatuses: [202],
    });
    expect(last().outcome).toBe('root');
    await c.request({
      method: 'HEAD',
      bucket: 'bkt1',
      object: 'k',
      subres: { objectMeta: '' },
      successStatuses: [200],
    });
    expect(last().outcome).toBe('root');
    await c.request({
      method: 'GET',
      bucket: 'bkt1',
      subres: { 'continuation-token': 'tok en+/=' },
      query: { 'list-type': 2, prefix: 'dir/', 'max-keys': 10, delimiter: '/' },
      successStatuses: [200],
    });
    expect(last()).toMatchObject({ bucket: 'bkt1', outcome: 'root' });
  });

  it('service level and all five batch calls', async () => {
    const c = client(v4);
    await c.request({ method: 'GET', successStatuses: [200] });
    expect(last()).toMatchObject({ url: '/', bucket: undefined, outcome: 'root' });
    const calls: Record<string, unknown>[] = [
      { method: 'POST', subres: { batchJob: '' }, content: '<CreateJobRequest/>', mime: 'application/xml' },
      { method: 'GET', subres: { batchJob: '' }, query: { batchJobId: 'MTIz=' } },
      {
        method: 'GET',
        subres: { batchJob: '', 'continuation-token': 'tok' },
        query: { 'max-keys': 10, batchJobStatuses: 'Active,Complete' },
      },
      { method: 'POST', subres: { batchJobPriority: '' }, query: { batchJobId: 'MTIz=', targetPriority: 5 } },
      {
        method: 'POST',
        subres: { batchJobStatus: '' },
        query: {
          batchJobId: 'MTIz=',
          requestedJobStatus: 'Cancelled',
          statusUpdateReason: 'no longer needed',
        },
      },
    ];
    for (const call of calls) {
      await c.request({ ...call, successStatuses: [200] });
      expect(last()).toMatchObject({ bucket: undefined, key: undefined, outcome: 'root' });
    }
  });

  it('an empty-valued plain query parameter (ali-oss signs it as `k=` in V4)', async () => {
    await client(v4).request({
      method: 'GET',
      bucket: 'bkt1',
      subres: { acl: '' },
      query: { prefix: '' },
      successStatuses: [200],
    });
    expect(last().outcome).toBe('root');
  });

  it('a wrong secret is refused with SignatureDoesNotMatch', async () => {
    await expect(client(v4, 'WRONG').put('k', Buffer.from('x'))).rejects.toMatchObject({
      code: 'SignatureDoesNotMatch',
      status: 403,
    });
  });
});

describe('ali-oss presigned URLs over a real socket', () => {
  it.each(ODD_KEYS)('V1 signatureUrl for %j', async (key) => {
    const url = client(false).signatureUrl(key, {
      expires: 60,
      response: { 'content-disposition': 'attachment; filename="a b.txt"' },
    });
    const r = await fetch(url);
    expect(r.status).toBe(200);
    expect(last()).toMatchObject({ key, outcome: 'root' });
  });

  it.each(ODD_KEYS)('V4 signatureUrlV4 for %j', async (key) => {
    const url = await client(true).signatureUrlV4(
      'GET',
      60,
      { headers: {}, queries: { versionId: 'v 1' } },
      key,
    );
    const r = await fetch(url);
    expect(r.status).toBe(200);
    expect(last()).toMatchObject({ key, outcome: 'root' });
  });

  it('V4 presign with an additional header', async () => {
    const url = await client(true).signatureUrlV4('GET', 60, { headers: { range: 'bytes=0-1' } }, 'k', [
      'range',
    ]);
    expect((await fetch(url, { headers: { range: 'bytes=0-1' } })).status).toBe(200);
    expect((await fetch(url, { headers: { range: 'bytes=0-2' } })).status).toBe(403);
    expect(last().outcome).toBe('SignatureDoesNotMatch');
  });

  it('V1 presign with a wrong signature or an expired one is refused', async () => {
    const url = client(false).signatureUrl('k', { expires: 60 });
    expect((await fetch(url.replace('Signature=', 'Signature=x'))).status).toBe(403);
    expect(last().outcome).toBe('SignatureDoesNotMatch');
    const expired = client(false).signatureUrl('k', { expires: -5 });
    expect((await fetch(expired)).status).toBe(403);
    expect(last().outcome).toBe('AccessDenied');
  });
});
