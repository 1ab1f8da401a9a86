import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A reverse proxy that holds every request `delayMs` before forwarding it untouched: a store that is
 * `delayMs` further away (issue 8's bench: 10 ms, a store in another zone or behind a busy gateway).
 */
export async function startLatencyProxy(
  target: number,
  delayMs: number,
): Promise<{ port: number; close(): Promise<void> }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
  const server = http.createServer((req, res) => {
    req.pause();
    setTimeout(() => {
      const upstream = http.request(
        { host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: req.headers, agent },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
      req.resume();
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
