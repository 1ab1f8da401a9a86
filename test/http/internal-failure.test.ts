import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { answerInternalFailure } from '../../src/http/response.js';

let server: http.Server | undefined;
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

/** A real server whose every request is answered by `handle`, and one GET to it. */
async function get(handle: (res: http.ServerResponse) => void): Promise<{ status?: number; error?: string }> {
  server = http.createServer((_req, res) => handle(res));
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve) => {
    http
      .get({ host: '127.0.0.1', port, path: '/' }, (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve({ status: res.statusCode }));
        res.on('error', (e) => resolve({ status: res.statusCode, error: e.message }));
      })
      .on('error', (e) => resolve({ error: e.message }));
  });
}

describe('answerInternalFailure', () => {
  it('answers a bare 500 when nothing was sent yet', async () => {
    expect(await get((res) => answerInternalFailure(res))).toEqual({ status: 500 });
  });

  it('closes the connection when the head already went out (a second answer cannot follow)', async () => {
    const r = await get((res) => {
      res.writeHead(200, { 'Content-Length': 10 });
      res.flushHeaders();
      answerInternalFailure(res);
    });
    expect(r.status).toBe(200);
    expect(r.error).toMatch(/aborted|socket hang up|ECONNRESET/);
  });
});
