import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, signedRawRequest, startTestServer, type TestServer } from '../helpers/server.js';

let ts: TestServer;
const bucket = 'garbage';
beforeAll(async () => {
  ts = await startTestServer();
  await ts.anyClient().putBucket(bucket);
  await ts.anyClient({ bucket }).put('k.txt', Buffer.from('0123456789'));
});
afterAll(async () => {
  await ts.close();
});

const code = (xml: string): string | undefined => /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];

/** Writes raw bytes on a fresh socket and collects whatever comes back until the server closes or 1 s passes. */
function rawSocket(port: number, bytes: string | Buffer, { endAfterWrite = false } = {}): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const done = (): void => {
      clearTimeout(timer);
      s.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const timer = setTimeout(done, 1000);
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('close', done);
    s.on('error', done);
    s.write(bytes, () => {
      if (endAfterWrite) s.end();
    });
  });
}

describe('garbage input never crashes the server', () => {
  it('answers bad Authorization headers with OSS errors', async () => {
    for (const authorization of [
      'OSS',
      'OSS nokey',
      'OSS a:b:c',
      'OSS4-HMAC-SHA256 garbage',
      'OSS4-HMAC-SHA256 Credential=x',
      'Bearer abc',
      '   ',
    ]) {
      const res = await rawRequest(ts.url, {
        path: `/${bucket}/k.txt`,
        headers: { authorization, date: new Date().toUTCString() },
      });
      expect([400, 403]).toContain(res.status);
      expect(code(res.text)).toBeTruthy();
    }
  });

  it('refuses oversized keys and malformed escapes in the path', async () => {
    const longKey = await signedRawRequest(ts, { method: 'PUT', bucket, key: 'k'.repeat(2000), body: 'x' });
    expect(code(longKey.text)).toBe('InvalidObjectName');
    for (const path of [`/${bucket}/%zz`, `/${bucket}/%`, `/${bucket}/%E0%A4%A`, '/%', `/${bucket}/%FF%FE`]) {
      const res = await rawRequest(ts.url, { path });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
  });

  it('answers oversized headers with 431 and stays healthy', async () => {
    const res = await rawSocket(
      ts.port,
      `GET /${bucket}/k.txt HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(200_000)}\r\n\r\n`,
    );
    expect(res).toMatch(/^HTTP\/1\.1 431/);
    expect(res).toContain('<Code>RequestHeaderTooLarge</Code>');
    expect(res).toMatch(/x-oss-request-id: [0-9A-F]{24}/i);
  });

  it('answers a malformed request line with an OSS XML error, not a framework error', async () => {
    const res = await rawSocket(ts.port, 'GARBAGE\r\n\r\n');
    expect(res).toMatch(/^HTTP\/1\.1 400/);
    expect(res).toContain('<Code>InvalidRequest</Code>');
    expect(res).toContain('<EC>');
    expect(res).toContain('Server: AliyunOSS');
  });

  it('survives truncated and badly chunked bodies', async () => {
    await rawRequest(ts.url, {
      method: 'PUT',
      path: `/${bucket}/trunc.txt`,
      headers: { 'content-length': 1000 },
      body: 'x'.repeat(1000),
      truncateAt: 10,
    }).catch(() => undefined);
    const signed = await signedRawRequest(ts, { method: 'PUT', bucket, key: 'ok-after.txt', body: 'fine' });
    expect(signed.status).toBe(200);
    const badChunks = await rawSocket(
      ts.port,
      `PUT /${bucket}/chunky HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\nhello\r\n0\r\n\r\n`,
    );
    expect(badChunks).toMatch(/^HTTP\/1\.1 4\d\d/);
    const noBody = await rawSocket(
      ts.port,
      `PUT /${bucket}/half HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\nabc`,
      {
        endAfterWrite: true,
      },
    );
    expect(noBody === '' || /^HTTP\/1\.1 [45]\d\d/.test(noBody)).toBe(true);
  });

  it('serves absurd Range headers without failing', async () => {
    for (const range of [
      'bytes=99999999999999999999-',
      'bytes=a-b',
      'bytes=5-1',
      'bytes=0-0,2-3',
      'bytes=-0',
      'items=0-1',
      'bytes=--1',
    ]) {
      const res = await signedRawRequest(ts, { method: 'GET', bucket, key: 'k.txt', headers: { range } });
      expect([200, 206]).toContain(res.status);
    }
    const standard = await signedRawRequest(ts, {
      method: 'GET',
      bucket,
      key: 'k.txt',
      headers: { range: 'bytes=100-', 'x-oss-range-behavior': 'standard' },
    });
    expect(standard.status).toBe(416);
    expect(code(standard.text)).toBe('InvalidRange');
  });

  it('answers unknown sub-resources and odd queries with 4xx', async () => {
    const combos: Record<string, string>[] = [
      { uploads: '' },
      { lifecycle: '' },
      { acl: '', tagging: '' },
      { cors: '' },
    ];
    for (const subresources of combos) {
      const res = await signedRawRequest(ts, { method: 'GET', bucket, key: 'k.txt', subresources });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
    const odd = await rawRequest(ts.url, { path: `/${bucket}/k.txt?%zz=1&&=&a=%` });
    expect(odd.status).toBeLessThan(500);
    const weird = await rawRequest(ts.url, { method: 'PATCH', path: `/${bucket}/k.txt` });
    expect(weird.status).toBeGreaterThanOrEqual(400);
    expect(weird.status).toBeLessThan(500);
  });

  it('refuses hostile and huge XML bodies', async () => {
    const billion = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><Tagging><TagSet><Tag><Key>&lol2;</Key><Value>v</Value></Tag></TagSet></Tagging>`;
    const res = await signedRawRequest(ts, {
      method: 'PUT',
      bucket,
      key: 'k.txt',
      subresources: { tagging: '' },
      body: billion,
    });
    expect(code(res.text)).toBe('MalformedXML');
    const huge = await signedRawRequest(ts, {
      method: 'PUT',
      bucket,
      key: 'k.txt',
      subresources: { tagging: '' },
      body: `<Tagging>${' '.repeat(2 * 1024 * 1024)}</Tagging>`,
    });
    expect(huge.status).toBe(400);
    expect(code(huge.text)).toBe('EntityTooLarge');
    const absolute = await rawSocket(
      ts.port,
      `GET http://evil.example/${bucket}/k.txt HTTP/1.1\r\nHost: x\r\n\r\n`,
    );
    expect(absolute).toMatch(/^HTTP\/1\.1 (403|404)/);
    const star = await rawSocket(ts.port, 'OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(star).toMatch(/^HTTP\/1\.1 4\d\d/);
  });

  it('never lets response-* overrides break or inject headers', async () => {
    const res = await signedRawRequest(ts, {
      method: 'GET',
      bucket,
      key: 'k.txt',
      subresources: { 'response-content-disposition': '中文\r\nx-injected: 1' },
    });
    expect(res.status).toBe(200);
    expect(res.headers['x-injected']).toBeUndefined();
    expect(Buffer.from(String(res.headers['content-disposition']), 'latin1').toString('utf8')).toBe(
      '中文  x-injected: 1',
    );
  });

  it('is still healthy afterwards', async () => {
    const res = await rawRequest(ts.url, { path: '/-/health' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({
      status: 'ok',
      node: ts.server.nodeId,
      database: { ok: true, kind: 'sqlite' },
    });
    // No request along the way ended as an InternalError.
    const metrics = await rawRequest(ts.url, { path: '/-/metrics' });
    expect(metrics.text).toContain('ossbatch_http_requests_total');
    expect(metrics.text).not.toMatch(/status="5\d\d"/);
    const get = await ts.anyClient({ bucket }).get('k.txt');
    expect(get.content.toString()).toBe('0123456789');
  });
});
