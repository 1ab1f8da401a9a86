import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OssBatchClient } from '../../src/client/index.js';
import { startCaptureServer, xmlReply, type Captured, type CaptureServer } from './capture-server.js';

/** ali-oss 6.23.0's own signer (real-clients §8): what our client sends must verify under it byte for byte. */
interface SignUtils {
  buildCanonicalString(
    method: string,
    resource: string,
    request: { headers: Record<string, string>; parameters?: unknown },
  ): string;
  authorization(ak: string, sk: string, canonical: string): string;
  authorizationV4(
    ak: string,
    sk: string,
    region: string,
    method: string,
    request: { headers: Record<string, string>; queries: Record<string, string | null> },
    bucket?: string,
    object?: string,
  ): string;
}
const signUtils = createRequire(import.meta.url)('ali-oss/lib/common/signUtils') as SignUtils;

const AK = 'AKIDEXAMPLE';
const SK = 'SECRETEXAMPLE';
/** The sub-resources our requests carry (signed in V1); everything else on the query is a plain parameter. */
const SUBRESOURCES = new Set(['batchJob', 'batchJobPriority', 'batchJobStatus', 'continuation-token']);

function decodeRequest(c: Captured): { bucket?: string; key?: string; params: [string, string][] } {
  const [rawPath = '/', rawQuery = ''] = c.url.split('?', 2);
  const parts = rawPath.slice(1).split('/');
  const bucket = parts[0] === '' ? undefined : decodeURIComponent(parts[0] ?? '');
  const key =
    parts.length > 1 && parts.slice(1).join('/') !== ''
      ? decodeURIComponent(parts.slice(1).join('/'))
      : undefined;
  const params =
    rawQuery === ''
      ? []
      : rawQuery.split('&').map((kv): [string, string] => {
          const i = kv.indexOf('=');
          return i < 0 ? [kv, ''] : [decodeURIComponent(kv.slice(0, i)), decodeURIComponent(kv.slice(i + 1))];
        });
  return { ...(bucket !== undefined && { bucket }), ...(key !== undefined && { key }), params };
}

function stringHeaders(c: Captured): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.headers)) {
    if (k === 'content-type' || k === 'content-md5' || k.startsWith('x-oss-')) out[k] = String(v);
  }
  return out;
}

function aliOssV1(c: Captured): string {
  const { bucket, key, params } = decodeRequest(c);
  const parameters: Record<string, string> = {};
  for (const [k, v] of params) if (SUBRESOURCES.has(k)) parameters[k] = v;
  const resource = bucket === undefined ? '/' : `/${bucket}/${key ?? ''}`;
  const canonical = signUtils.buildCanonicalString(c.method, resource, {
    headers: stringHeaders(c),
    parameters,
  });
  return signUtils.authorization(AK, SK, canonical);
}

function aliOssV4(c: Captured): string {
  const { bucket, key, params } = decodeRequest(c);
  const queries: Record<string, string | null> = {};
  for (const [k, v] of params) queries[k] = SUBRESOURCES.has(k) && v === '' ? null : v;
  return signUtils.authorizationV4(
    AK,
    SK,
    'cn-hangzhou',
    c.method,
    { headers: stringHeaders(c), queries },
    bucket,
    key,
  );
}

let server: CaptureServer;
beforeAll(async () => {
  server = await startCaptureServer((req, _i, res) => {
    if (req.method === 'HEAD') {
      res.writeHead(200, { 'content-length': '0', etag: '"X"' });
      res.end();
      return;
    }
    const root = req.url.includes('list-type=2') ? 'ListBucketResult' : 'Any';
    xmlReply(res, 200, `<?xml version="1.0" encoding="UTF-8"?>\n<${root}></${root}>`);
  });
});
afterAll(() => server.close());

type Call = (c: OssBatchClient) => Promise<unknown>;
const CALLS: [string, Call][] = [
  [
    'CreateJob',
    (c) =>
      c.request({
        method: 'POST',
        subresources: { batchJob: '' },
        headers: { 'content-type': 'application/xml' },
        body: Buffer.from('<CreateJobRequest/>'),
      }),
  ],
  [
    'DescribeJob',
    (c) => c.request({ method: 'GET', subresources: { batchJob: '' }, query: { batchJobId: 'MzRj+/ZA=' } }),
  ],
  [
    'ListJobs',
    (c) =>
      c.request({
        method: 'GET',
        subresources: { batchJob: '', 'continuation-token': 'OTY2 NzU4=' },
        query: { 'max-keys': '10', batchJobStatuses: 'Active | Cancelled' },
      }),
  ],
  [
    'UpdateJobPriority',
    (c) =>
      c.request({
        method: 'POST',
        subresources: { batchJobPriority: '' },
        query: { batchJobId: 'job-0001', targetPriority: '5' },
      }),
  ],
  [
    'UpdateJobStatus',
    (c) =>
      c.request({
        method: 'POST',
        subresources: { batchJobStatus: '' },
        query: {
          batchJobId: 'job-0001',
          requestedJobStatus: 'Cancelled',
          statusUpdateReason: 'no longer needed',
        },
      }),
  ],
  ['PutBucket', (c) => c.putBucket('bkt1', { acl: 'public-read' })],
  [
    'PutObject odd key',
    (c) =>
      c.putObject('bkt1', "dir/a b+c/中文 (1)!*'.txt", 'hello', {
        contentType: 'text/plain',
        meta: { Author: 'alice' },
      }),
  ],
  [
    'ListObjectsV2 page 2',
    (c) => c.listObjects('bkt1', { prefix: 'dir/ x', continuationToken: 'tok', maxKeys: 2 }),
  ],
  ['HeadObject', (c) => c.headObject('bkt1', 'a%20b')],
];

describe('client signatures equal ali-oss signUtils for the same request', () => {
  for (const version of ['v1', 'v4'] as const) {
    for (const [name, call] of CALLS) {
      it(`${version} ${name}`, async () => {
        const client = new OssBatchClient({
          endpoint: server.url,
          accessKeyId: AK,
          accessKeySecret: SK,
          signVersion: version,
        });
        const before = server.requests.length;
        await call(client);
        client.close();
        const captured = server.requests[before];
        if (captured === undefined) throw new Error('no request captured');
        const expected = version === 'v1' ? aliOssV1(captured) : aliOssV4(captured);
        expect(captured.headers['authorization']).toBe(expected);
        expect(captured.headers['date']).toBeUndefined(); // like ali-oss: x-oss-date only
      });
    }
  }

  it('virtual addressing: Host bucket.<endpoint host>, path /key; path addressing: /bucket/key', async () => {
    const port = new URL(server.url).port;
    for (const addressing of ['virtual', 'path'] as const) {
      const client = new OssBatchClient({
        endpoint: server.url,
        accessKeyId: AK,
        accessKeySecret: SK,
        addressing,
      });
      const before = server.requests.length;
      await client.putObject('bkt1', 'a b.txt', 'x');
      client.close();
      const c = server.requests[before];
      expect(c?.headers.host).toBe(addressing === 'virtual' ? `bkt1.127.0.0.1:${port}` : `127.0.0.1:${port}`);
      expect(c?.url).toBe(addressing === 'virtual' ? '/a%20b.txt' : '/bkt1/a%20b.txt');
    }
  });

  it('service-level batch calls are path "/" with the sub-resource as `k=` (real-clients §1.5)', async () => {
    const client = new OssBatchClient({
      endpoint: server.url,
      accessKeyId: AK,
      accessKeySecret: SK,
      signVersion: 'v1',
    });
    const before = server.requests.length;
    await client.request({
      method: 'POST',
      subresources: { batchJobPriority: '' },
      query: { batchJobId: 'a=', targetPriority: '5' },
    });
    client.close();
    expect(server.requests[before]?.url).toBe('/?batchJobId=a%3D&targetPriority=5&batchJobPriority=');
    expect(server.requests[before]?.headers['content-length']).toBe('0');
  });
});
