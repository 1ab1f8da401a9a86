import { afterEach, describe, expect, it } from 'vitest';
import { OssBatchClient, OssError } from '../../src/client/index.js';
import { backoffDelay, DEFAULT_RETRY, isRetryableStatus } from '../../src/client/retry.js';
import { errorXml, startCaptureServer, xmlReply, type CaptureServer } from './capture-server.js';

const OK_LIST = '<?xml version="1.0" encoding="UTF-8"?>\n<ListJobsResult><Jobs></Jobs></ListJobsResult>';

let server: CaptureServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function clientFor(url: string, delays: number[], extra: { maxRetries?: number } = {}): OssBatchClient {
  return new OssBatchClient({
    endpoint: url,
    accessKeyId: 'AKIDEXAMPLE',
    accessKeySecret: 'SECRETEXAMPLE',
    retryBaseDelayMs: 1,
    sleep: (ms) => {
      delays.push(ms);
      return Promise.resolve();
    },
    ...extra,
  });
}

describe('client retries', () => {
  it('retries 503 and 429 with backoff, then succeeds', async () => {
    server = await startCaptureServer((_req, i, res) => {
      if (i === 0) xmlReply(res, 503, errorXml('ServiceUnavailable', 'slow down'));
      else if (i === 1) xmlReply(res, 429, errorXml('TooManyRequests', 'throttled'));
      else xmlReply(res, 200, OK_LIST);
    });
    const delays: number[] = [];
    const c = clientFor(server.url, delays);
    const r = await c.listJobs();
    c.close();
    expect(r.jobs).toEqual([]);
    expect(server.requests).toHaveLength(3);
    expect(delays).toHaveLength(2);
    // each attempt is signed afresh
    expect(server.requests[0]?.headers['authorization']).toMatch(
      /^OSS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//,
    );
  });

  it('retries a reset connection (ECONNRESET)', async () => {
    server = await startCaptureServer((_req, i, res) => {
      if (i === 0) res.socket?.destroy();
      else xmlReply(res, 200, OK_LIST);
    });
    const delays: number[] = [];
    const c = clientFor(server.url, delays);
    await c.listJobs();
    c.close();
    expect(server.requests).toHaveLength(2);
    expect(delays).toHaveLength(1);
  });

  it('gives up after maxRetries and throws the last OssError', async () => {
    server = await startCaptureServer((_req, _i, res) =>
      xmlReply(res, 503, errorXml('ServiceUnavailable', 'busy', '0005-00000002')),
    );
    const delays: number[] = [];
    const c = clientFor(server.url, delays, { maxRetries: 2 });
    const err = await c.listJobs().catch((e: unknown) => e);
    c.close();
    expect(err).toBeInstanceOf(OssError);
    expect(err).toMatchObject({
      code: 'ServiceUnavailable',
      status: 503,
      ec: '0005-00000002',
      requestId: 'REQ-ServiceUnavailable',
    });
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a 4xx', async () => {
    server = await startCaptureServer((_req, _i, res) => xmlReply(res, 404, errorXml('NoSuchJob', 'no job')));
    const delays: number[] = [];
    const c = clientFor(server.url, delays);
    await expect(c.describeJob('x')).rejects.toMatchObject({ code: 'NoSuchJob', status: 404 });
    c.close();
    expect(server.requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('backoff is full-jitter exponential and capped', () => {
    const top = { ...DEFAULT_RETRY, random: () => 0.999999 };
    expect([0, 1, 2, 3].map((a) => backoffDelay(top, a))).toEqual([99, 199, 399, 799]);
    expect(backoffDelay(top, 20)).toBe(9999);
    expect(backoffDelay({ ...DEFAULT_RETRY, random: () => 0 }, 3)).toBe(0);
    expect([429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 403, 404, 409, 501].some(isRetryableStatus)).toBe(false);
  });

  it('a network failure after retries is an OssError with the errno and status 0', async () => {
    const c = new OssBatchClient({
      endpoint: 'http://127.0.0.1:1',
      accessKeyId: 'a',
      accessKeySecret: 'b',
      maxRetries: 0,
    });
    await expect(c.listJobs()).rejects.toMatchObject({ name: 'OssError', code: 'ECONNREFUSED', status: 0 });
    c.close();
  });
});
