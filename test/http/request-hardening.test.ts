import os from 'node:os';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createUserWithPolicy,
  jobRequest,
  rawRequest,
  signedRawRequest,
  startTestServer,
  type TestServer,
} from '../helpers/server.js';
import { openSlowRequest, type SlowRequest } from './slow-client.js';

/**
 * Issue 12, "bodies before identity, and slow bodies": every route rejects anonymous and badly signed
 * callers from the headers alone (403 at once, no body awaited), and a body that stalls or takes too long
 * gets 400 RequestTimeout on every route, with nothing stored.
 */
describe('identity before bodies', () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer();
    await ts.client().putBucket('hard-bucket');
  });
  afterAll(async () => {
    await ts.close();
  });

  it('answers an anonymous CreateJob with 403 while its body is still arriving', async () => {
    const c = await openSlowRequest(ts.port, {
      method: 'POST',
      subresources: { batchJob: '' },
      contentLength: 1000,
    });
    c.write('<');
    const got = await c.until('</Error>');
    expect(got).toMatch(/^HTTP\/1\.1 403/);
    expect(got).toContain('<Code>AccessDenied</Code>');
    c.destroy();
  });

  it('answers an anonymous 50 MiB job body with 403, not EntityTooLarge', async () => {
    for (const sub of ['batchJob', 'batchJobStatus', 'batchJobPriority']) {
      const c = await openSlowRequest(ts.port, {
        method: 'POST',
        subresources: { [sub]: '' },
        contentLength: 50 * 1024 * 1024,
      });
      const got = await c.until('</Error>');
      expect(got).toMatch(/^HTTP\/1\.1 403/);
      expect(got).toContain('<Code>AccessDenied</Code>');
      c.destroy();
    }
  });

  it('answers a signed caller who may not create jobs with 403 before its body', async () => {
    const nobody = await createUserWithPolicy(ts, 'nobody');
    const c = await openSlowRequest(ts.port, {
      method: 'POST',
      subresources: { batchJob: '' },
      contentLength: 50 * 1024 * 1024,
      sign: { accessKeyId: nobody.accessKeyId, secret: nobody.secret, v4: true },
    });
    c.write('<CreateJobRequest>');
    const got = await c.until('</Error>');
    expect(got).toMatch(/^HTTP\/1\.1 403/);
    expect(got).toContain('<Code>AccessDenied</Code>');
    expect(got).toContain('oss:CreateJob');
    c.destroy();
  });

  it('answers a bad signature with 403 before the body, on job and object routes', async () => {
    const requests: Omit<SlowRequest, 'contentLength'>[] = [
      { method: 'POST', subresources: { batchJob: '' } },
      { method: 'PUT', bucket: 'hard-bucket', key: 'slow.bin' },
      { method: 'PUT', bucket: 'hard-bucket', key: 'slow.bin', subresources: { tagging: '' } },
    ];
    for (const [i, r] of requests.entries()) {
      const c = await openSlowRequest(ts.port, {
        ...r,
        contentLength: 4096,
        sign: { accessKeyId: ts.root.accessKeyId, secret: 'not-the-secret', v4: i % 2 === 1 },
      });
      c.write('x');
      const got = await c.until('</Error>');
      expect(got).toMatch(/^HTTP\/1\.1 403/);
      expect(got).toContain('<Code>SignatureDoesNotMatch</Code>');
      c.destroy();
    }
  });
});

describe('request body timeouts', () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer({ config: { bodyIdleTimeoutMs: 1000, bodyTimeoutMs: 3000 } });
    await ts.client().putBucket('slow-bucket');
  });
  afterAll(async () => {
    await ts.close();
  });

  const sign = (): { accessKeyId: string; secret: string } => ({
    accessKeyId: ts.root.accessKeyId,
    secret: ts.root.secret,
  });

  it('answers RequestTimeout when a signed upload stalls, closes, and stores nothing', async () => {
    const c = await openSlowRequest(ts.port, {
      method: 'PUT',
      bucket: 'slow-bucket',
      key: 'stalled.bin',
      contentLength: 1024,
      sign: sign(),
    });
    c.write(Buffer.alloc(100, 1));
    const got = await c.until('</Error>');
    expect(got).toMatch(/^HTTP\/1\.1 400/);
    expect(got).toContain('<Code>RequestTimeout</Code>');
    expect(got.toLowerCase()).toContain('connection: close');
    await c.closed();
    const head = await signedRawRequest(ts, { method: 'HEAD', bucket: 'slow-bucket', key: 'stalled.bin' });
    expect(head.status).toBe(404);
  });

  it('answers RequestTimeout when a body trickles in past the total timeout', async () => {
    const c = await openSlowRequest(ts.port, {
      method: 'PUT',
      bucket: 'slow-bucket',
      key: 'trickle.bin',
      contentLength: 10_000,
      sign: sign(),
    });
    // One byte every 100 ms never trips the 1 s idle timeout; the 3 s total one ends it.
    const timer = setInterval(() => c.write('x'), 100);
    try {
      const got = await c.until('</Error>', 10_000);
      expect(got).toContain('<Code>RequestTimeout</Code>');
    } finally {
      clearInterval(timer);
    }
    const head = await signedRawRequest(ts, { method: 'HEAD', bucket: 'slow-bucket', key: 'trickle.bin' });
    expect(head.status).toBe(404);
  });

  it('ali-oss (V1 and V4) sees RequestTimeout when its upload stream stalls', async () => {
    for (const v4 of [false, true]) {
      const body = new PassThrough();
      body.write(Buffer.alloc(100, 1)); // and then nothing more, never ended
      const err = (await ts
        .anyClient({ bucket: 'slow-bucket', v4 })
        .putStream(`ali-stalled-${v4}`, body)
        .catch((e: unknown) => e)) as { code?: string; status?: number };
      body.destroy();
      expect([err.code, err.status]).toEqual(['RequestTimeout', 400]);
      const head = await signedRawRequest(ts, {
        method: 'HEAD',
        bucket: 'slow-bucket',
        key: `ali-stalled-${v4}`,
      });
      expect(head.status).toBe(404);
    }
  });

  it('times out XML bodies (PutObjectTagging, CreateJob) the same way', async () => {
    await signedRawRequest(ts, { method: 'PUT', bucket: 'slow-bucket', key: 'k', body: 'v' });
    const requests: Omit<SlowRequest, 'contentLength'>[] = [
      { method: 'PUT', bucket: 'slow-bucket', key: 'k', subresources: { tagging: '' } },
      { method: 'POST', subresources: { batchJob: '' } },
    ];
    for (const r of requests) {
      const c = await openSlowRequest(ts.port, { ...r, contentLength: 500, sign: sign() });
      c.write('<Tag');
      const got = await c.until('</Error>');
      expect(got).toContain('<Code>RequestTimeout</Code>');
      c.destroy();
    }
  });

  it('disconnects a console form whose body stalls', async () => {
    const c = await openSlowRequest(ts.port, {
      method: 'POST',
      path: '/-/console/sign-in',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      contentLength: 200,
    });
    c.write('access_key_id=');
    await c.closed();
  });

  it('answers RequestTimeout when a body trickles in below the rate floor, long before the total timeout', async () => {
    const floor = await startTestServer({
      config: {
        bodyIdleTimeoutMs: 10_000,
        bodyTimeoutMs: 3_600_000,
        bodyMinRate: 1024,
        bodyMinRateGraceMs: 1000,
      },
    });
    try {
      await floor.client().putBucket('floor-bucket');
      const c = await openSlowRequest(floor.port, {
        method: 'PUT',
        bucket: 'floor-bucket',
        key: 'drip.bin',
        contentLength: 10_000,
        sign: { accessKeyId: floor.root.accessKeyId, secret: floor.root.secret },
      });
      // A byte every 200 ms is never idle for 10 s and would run for the whole hour without the floor.
      const timer = setInterval(() => c.write('x'), 200);
      try {
        const got = await c.until('</Error>', 10_000);
        expect(got).toMatch(/^HTTP\/1\.1 400/);
        expect(got).toContain('<Code>RequestTimeout</Code>');
      } finally {
        clearInterval(timer);
      }
      const head = await signedRawRequest(floor, { method: 'HEAD', bucket: 'floor-bucket', key: 'drip.bin' });
      expect(head.status).toBe(404);
    } finally {
      await floor.close();
    }
  });

  it('still accepts an upload whose bytes keep coming within the timeouts', async () => {
    const c = await openSlowRequest(ts.port, {
      method: 'PUT',
      bucket: 'slow-bucket',
      key: 'steady.bin',
      contentLength: 5,
      sign: sign(),
    });
    for (const ch of 'hello') {
      c.write(ch);
      await new Promise((r) => setTimeout(r, 50));
    }
    const got = await c.until('\r\n\r\n');
    expect(got).toMatch(/^HTTP\/1\.1 200/);
    c.destroy();
  });
});

describe('--job-write-signature v4', () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer({ config: { jobWriteSignature: 'v4' } });
  });
  afterAll(async () => {
    await ts.close();
  });

  it('refuses V1-signed job writes with AccessDenied naming the setting; V4 and V1 reads pass', async () => {
    const v1 = ts.client({ v4: false });
    const v4 = ts.client({ v4: true });
    const jobId = 'MDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDA=';
    for (const [api, params] of [
      ['UpdateJobStatus', { jobId, status: 'Cancelled' }],
      ['UpdateJobPriority', { jobId, priority: 3 }],
      ['CreateJob', { body: '<CreateJobRequest/>' }],
    ] as const) {
      const err = (await jobRequest(v1, api, params).catch((e: unknown) => e)) as {
        status: number;
        code: string;
        message: string;
      };
      expect(err.status, api).toBe(403);
      expect(err.code).toBe('AccessDenied');
      expect(err.message).toContain('--job-write-signature v4');
      // The same call signed with V4 reaches the job layer (no such job / bad body).
      const v4Err = (await jobRequest(v4, api, params).catch((e: unknown) => e)) as { code: string };
      expect(v4Err.code).not.toBe('AccessDenied');
    }
    const described = (await jobRequest(v1, 'DescribeJob', { jobId }).catch((e: unknown) => e)) as {
      code: string;
    };
    expect(described.code).toBe('NoSuchJob');
  });
});

describe('GET /-/metrics exposure', () => {
  it('serves loopback callers by default and refuses others', async () => {
    const ts = await startTestServer({ config: { host: '0.0.0.0' } });
    try {
      const local = await rawRequest(ts.url.replace('0.0.0.0', '127.0.0.1'), { path: '/-/metrics' });
      expect(local.status).toBe(200);
      expect(local.text).toContain('ossbatch_http_requests_total');
      const external = Object.values(os.networkInterfaces())
        .flat()
        .find((i) => i !== undefined && i.family === 'IPv4' && !i.internal);
      // CI machines and this sandbox have a non-loopback interface; without one there is no outside to test.
      expect(external, 'a non-loopback IPv4 interface').toBeDefined();
      const outside = await rawRequest(`http://${external?.address}:${ts.port}`, { path: '/-/metrics' });
      expect(outside.status).toBe(403);
      expect(outside.text).not.toContain('ossbatch_');
    } finally {
      await ts.close();
    }
  });

  it('with a token, requires Authorization: Bearer <token> from everyone', async () => {
    const token = 'metrics-token-0123456789';
    const ts = await startTestServer({ config: { metricsToken: token } });
    try {
      const none = await rawRequest(ts.url, { path: '/-/metrics' });
      expect(none.status).toBe(401);
      expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
      const wrong = await rawRequest(ts.url, {
        path: '/-/metrics',
        headers: { authorization: 'Bearer metrics-token-0123456788' },
      });
      expect(wrong.status).toBe(401);
      const right = await rawRequest(ts.url, {
        path: '/-/metrics',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(right.status).toBe(200);
      expect(right.text).toContain('ossbatch_http_requests_total');
    } finally {
      await ts.close();
    }
  });
});

describe('non-well-formed XML', () => {
  it('refuses a tagging body with a NUL character with MalformedXML and keeps the old tags', async () => {
    const ts = await startTestServer();
    try {
      await ts.client().putBucket('xml-bucket');
      await signedRawRequest(ts, { method: 'PUT', bucket: 'xml-bucket', key: 'o', body: 'x' });
      const body = (v: string): string =>
        `<Tagging><TagSet><Tag><Key>k</Key><Value>${v}</Value></Tag></TagSet></Tagging>`;
      const put = (v: string): ReturnType<typeof signedRawRequest> =>
        signedRawRequest(ts, {
          method: 'PUT',
          bucket: 'xml-bucket',
          key: 'o',
          subresources: { tagging: '' },
          body: body(v),
        });
      expect((await put('good')).status).toBe(200);
      for (const bad of ['a\u0000b', 'a&#0;b']) {
        const res = await put(bad);
        expect(res.status).toBe(400);
        expect(res.text).toContain('<Code>MalformedXML</Code>');
      }
      const tags = await signedRawRequest(ts, {
        method: 'GET',
        bucket: 'xml-bucket',
        key: 'o',
        subresources: { tagging: '' },
      });
      expect(tags.text).toContain('<Value>good</Value>');
    } finally {
      await ts.close();
    }
  });
});
