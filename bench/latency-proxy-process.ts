/**
 * The latency proxy as its own process: `tsx bench/latency-proxy-process.ts <targetPort> <delayMs>` prints
 * `listening <port>` and serves until killed. bench/cluster.ts runs it apart from the store so that the
 * proxy's timers do not wait behind the store's request handling on one event loop (and vice versa), and so
 * its CPU is measured on its own.
 */
import { startLatencyProxy } from './latency-proxy.js';

const [target, delay] = process.argv.slice(2).map(Number);
if (!Number.isInteger(target) || !Number.isFinite(delay)) {
  console.error('usage: latency-proxy-process.ts <targetPort> <delayMs>');
  process.exit(2);
}
const proxy = await startLatencyProxy(target as number, delay as number);
process.stdout.write(`listening ${proxy.port}\n`);
process.on('SIGTERM', () => void proxy.close().then(() => process.exit(0)));
