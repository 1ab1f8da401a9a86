import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

let ts: TestServer;
let closed = false;

beforeAll(async () => {
  ts = await startTestServer();
  await ts.anyClient().putBucket('drain');
  await ts.anyClient().putBucketACL('drain', 'public-read-write');
});
afterAll(async () => {
  if (!closed) await ts.close();
});

describe('closing the server', () => {
  // OSS requests bypass fastify's router (app.ts), so its return503OnClosing no longer covers them: the
  // server answers a request that arrives on a kept-alive connection while it drains itself.
  it('finishes the request in flight and answers one pipelined behind it 503, then closes the connection', async () => {
    const socket = net.connect(ts.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    let received = '';
    socket.on('data', (c: Buffer) => (received += c.toString()));
    const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    // An anonymous PUT into a public-read-write bucket, half its body sent: in flight while close() begins.
    socket.write('PUT /drain/k HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\nhello');
    await new Promise((r) => setTimeout(r, 100));
    const closing = ts.close();
    closed = true;
    await new Promise((r) => setTimeout(r, 200));
    socket.write('world');
    socket.write('GET /drain/k HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await ended;
    await closing;
    const [first, second] = received.split(/(?=HTTP\/1\.1 )/);
    expect(first).toMatch(/^HTTP\/1\.1 200/);
    expect(second).toMatch(/^HTTP\/1\.1 503/);
    expect(second).toMatch(/\r\nConnection: close\r\n/i);
    expect(second).toContain('<Code>ServiceUnavailable</Code>');
  });
});
