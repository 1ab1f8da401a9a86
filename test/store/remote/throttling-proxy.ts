import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** The OSS error body a throttled request gets (spec §9.3 shape). */
const SLOW_DOWN =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message>' +
  '<RequestId>T1</RequestId><HostId>proxy</HostId><EC>0005-00000002</EC></Error>';

/**
 * A reverse proxy in front of a store that answers 503 SlowDown to the first `throttle` requests that
 * `matches` selects, and forwards everything else untouched (a store throttling for a while).
 */
export async function startThrottlingProxy(
  target: number,
  throttle: number,
  matches: (req: http.IncomingMessage) => boolean,
): Promise<{ port: number; throttled: () => number; passed: () => number; close(): Promise<void> }> {
  let throttled = 0;
  let passed = 0;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const server = http.createServer((req, res) => {
    if (matches(req)) {
      if (throttled < throttle) {
        throttled += 1;
        req.resume();
        res.writeHead(503, { 'content-type': 'application/xml', 'x-oss-request-id': 'T1' });
        res.end(SLOW_DOWN);
        return;
      }
      passed += 1;
    }
    const upstream = http.request(
      { host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: req.headers, agent },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    throttled: () => throttled,
    passed: () => passed,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
