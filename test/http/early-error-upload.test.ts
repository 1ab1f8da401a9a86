import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * An error decided before the body is read (missing bucket, denied) used to be answered while the client
 * was still uploading, then the socket closed: clients saw EPIPE/ECONNRESET instead of the OSS error.
 * Now the server reads and discards the rest of the body first (up to a cap), so the error arrives and the
 * keep-alive connection stays usable.
 */
describe('early errors on uploads', () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer();
  });
  afterAll(async () => {
    await ts.close();
  });

  it('answers NoSuchBucket after the whole body and keeps the connection for the next request', async () => {
    const socket = net.connect(ts.port, '127.0.0.1');
    let received = '';
    socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const size = 1024 * 1024;
    socket.write(
      `PUT /no-such-bucket-here/big.bin HTTP/1.1\r\nHost: localhost\r\nContent-Length: ${size}\r\n\r\n`,
    );
    const piece = Buffer.alloc(size / 16, 7);
    for (let i = 0; i < 16; i += 1) {
      // Paced so the server has decided NoSuchBucket long before the body is complete.
      await new Promise((r) => setTimeout(r, 15));
      expect(socket.destroyed).toBe(false);
      socket.write(piece);
    }
    const until = async (text: string): Promise<void> => {
      const deadline = Date.now() + 5000;
      while (!received.includes(text) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    };
    await until('</Error>');
    expect(received).toMatch(/^HTTP\/1\.1 404/);
    expect(received).toContain('<Code>NoSuchBucket</Code>');
    expect(received.toLowerCase()).not.toContain('connection: close');
    received = '';
    socket.write('GET /-/health HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await until('"ok"');
    expect(received).toMatch(/^HTTP\/1\.1 200/);
    socket.destroy();
  });
});
