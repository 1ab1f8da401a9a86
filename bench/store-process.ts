/**
 * The cluster bench's store as its own process:
 *
 *   tsx bench/store-process.ts <objects> <delayMs> [<latencyBoundObjects>]
 *
 * seeds an embedded ossbatch store (test/cluster/cluster-harness.ts startStore: buckets data, manifests,
 * reports) with max(objects, latencyBoundObjects) objects, writes manifests/all.csv (the first `objects`)
 * and manifests/latency-bound.csv (the first `latencyBoundObjects`), prints `listening <port> <delayedPort>`
 * and serves until SIGTERM.
 *
 * `delayedPort` is the same store `delayMs` further away: every request waits that long before the store
 * sees it (issue 8's bench: 10 ms, a store in another zone or behind a busy gateway). The wait is a timer in
 * this process, not a proxy: a proxy process spent ~250 CPU-µs per request relaying it (HTTP parsing and
 * four socket syscalls, measured in bench:cluster's runs.*.cpu_us_per_task.proxy, docs/performance.md), on
 * the same two cores the nodes and the store share, while real network latency costs no CPU at all.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { keyOf, startStore } from '../test/cluster/cluster-harness.js';

const [objects, delayMs, latencyBound = 0] = process.argv.slice(2).map(Number);
if (!Number.isInteger(objects) || (objects as number) < 1 || !Number.isFinite(delayMs)) {
  console.error('usage: store-process.ts <objects> <delayMs> [<latencyBoundObjects>]');
  process.exit(2);
}
const store = await startStore(Math.max(objects as number, latencyBound));
const csv = (n: number): Readable =>
  Readable.from([Buffer.from(Array.from({ length: n }, (_, i) => `data,${keyOf(i)}\n`).join(''))]);
const s = store.server.store;
await s.putObject({ bucket: 'manifests', key: 'all.csv', body: csv(objects as number) });
if (latencyBound > 0)
  await s.putObject({ bucket: 'manifests', key: 'latency-bound.csv', body: csv(latencyBound) });

const api = store.server.httpServer;
const delayed = http.createServer((req, res) => {
  setTimeout(() => api.emit('request', req, res), delayMs);
});
delayed.keepAliveTimeout = api.keepAliveTimeout;
await new Promise<void>((resolve) => delayed.listen(0, '127.0.0.1', resolve));
process.stdout.write(`listening ${store.port} ${(delayed.address() as AddressInfo).port}\n`);
process.on('SIGTERM', () => {
  delayed.closeAllConnections();
  delayed.close();
  void store.close().then(() => process.exit(0));
});
