import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, signedRawRequest, startTestServer, type TestServer } from '../helpers/server.js';

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

describe('request logs and metrics', () => {
  it('logs one line per request with the request id, operation, status and duration', async () => {
    await ts.anyClient().putBucket('observed');
    const res = await signedRawRequest(ts, { method: 'GET', bucket: 'observed', key: 'missing' });
    const id = String(res.headers['x-oss-request-id']);
    const mine = lines.filter((l) => l.requestId === id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      level: 30,
      method: 'GET',
      operation: 'GetObject',
      status: 404,
      msg: 'request',
    });
    expect(typeof mine[0]?.ms).toBe('number');
    expect(lines.some((l) => l.operation === 'PutBucket' && l.status === 200)).toBe(true);
  });

  it('exports per-operation request counters and latency histograms', async () => {
    const before = await rawRequest(ts.url, { path: '/-/metrics' });
    const count = (text: string): number =>
      Number(
        /ossbatch_http_requests_total\{operation="GetObject",status="404"\} (\d+)/.exec(text)?.[1] ?? '0',
      );
    await signedRawRequest(ts, { method: 'GET', bucket: 'observed', key: 'missing' });
    await signedRawRequest(ts, { method: 'GET', bucket: 'observed', key: 'missing' });
    const after = await rawRequest(ts.url, { path: '/-/metrics' });
    expect(after.headers['content-type']).toMatch(/^text\/plain/);
    expect(count(after.text) - count(before.text)).toBe(2);
    expect(after.text).toMatch(
      /ossbatch_http_request_duration_seconds_bucket\{le="0\.005",operation="GetObject"\} \d+/,
    );
  });

  it('answers /-/health and keeps /-/ out of the bucket namespace', async () => {
    const health = await rawRequest(ts.url, { path: '/-/health' });
    expect([health.status, health.headers['content-type'], JSON.parse(health.text)]).toEqual([
      200,
      'application/json',
      { status: 'ok', node: ts.server.nodeId, database: { ok: true, kind: 'sqlite' } },
    ]);
    const other = await rawRequest(ts.url, { path: '/-/nothing' });
    expect(other.status).toBe(404);
    expect(other.text).not.toContain('NoSuchBucket');
  });
});
