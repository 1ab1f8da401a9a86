/**
 * API hot-path benchmark (`npm run bench:api`): an in-process server with one seeded object, and a child
 * process firing signed V4 HeadObject + GetObjectTagging over 64 keep-alive connections for 10 s.
 * Prints requests/s and p50/p99 latency (ms); `--json` prints one JSON line instead.
 * The server is the compiled dist/ (what `npm start` runs; the script builds first): under tsx the
 * transpiled source costs ~15% more per request (esbuild keep-names wrappers).
 * Options: --seconds N (10), --connections N (64), --log-level L (info: the production per-request log line).
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import pino from 'pino';
import { DEFAULTS, buildConfig, defaultBaseDomains } from '../dist/config.js';
import { signV4 } from '../dist/protocol/sign-client.js';
import { startServer } from '../dist/server.js';
import { loopDelayMs } from '../dist/http/event-loop-delay.js';

interface LoadArgs {
  port: number;
  accessKeyId: string;
  secret: string;
  seconds: number;
  connections: number;
}

interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  p50: number;
  p99: number;
}

const BUCKET = 'bench-bucket';
const KEY = 'bench/object.txt';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

/** Signed headers are reused for the same second (the signature only changes with x-oss-date): keeps the client cheap. */
function signer(
  a: LoadArgs,
): (op: 'head' | 'tagging') => { method: string; path: string; headers: Record<string, string> } {
  const cache = new Map<string, { second: number; headers: Record<string, string> }>();
  return (op) => {
    const second = Math.floor(Date.now() / 1000);
    const hit = cache.get(op);
    const subresources: Record<string, string> = op === 'tagging' ? { tagging: '' } : {};
    const method = op === 'head' ? 'HEAD' : 'GET';
    const pathname = `/${BUCKET}/${KEY}${op === 'tagging' ? '?tagging=' : ''}`;
    if (hit?.second === second) return { method, path: pathname, headers: hit.headers };
    const headers = signV4({
      method,
      bucket: BUCKET,
      key: KEY,
      subresources,
      accessKeyId: a.accessKeyId,
      secret: a.secret,
      region: 'cn-hangzhou',
      date: new Date(second * 1000),
    });
    cache.set(op, { second, headers });
    return { method, path: pathname, headers };
  };
}

function once(
  agent: http.Agent,
  port: number,
  r: { method: string; path: string; headers: Record<string, string> },
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, agent, method: r.method, path: r.path, headers: r.headers },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function runLoad(a: LoadArgs): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: a.connections });
  const sign = signer(a);
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + a.seconds * 1000;
  const worker = async (n: number): Promise<void> => {
    let i = n;
    while (performance.now() < deadline) {
      const t0 = performance.now();
      const status = await once(agent, a.port, sign(i++ % 2 === 0 ? 'head' : 'tagging')).catch(() => 0);
      latencies.push(performance.now() - t0);
      if (status !== 200) errors += 1;
    }
  };
  await Promise.all(Array.from({ length: a.connections }, (_, n) => worker(n)));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((x, y) => x - y);
  const pct = (p: number): number =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
  return { requests: latencies.length, errors, seconds, p50: pct(0.5), p99: pct(0.99) };
}

async function parent(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-bench-'));
  const logLevel = arg('log-level', 'info');
  const config = buildConfig({
    ...DEFAULTS,
    host: '127.0.0.1',
    port: 0,
    dataDir,
    logLevel,
    baseDomains: defaultBaseDomains(DEFAULTS.region),
  });
  // Per-request log lines go to /dev/null: measured cost of producing them, not of a terminal.
  const logger = pino({ level: logLevel }, pino.destination({ dest: os.devNull, sync: false }));
  const server = await startServer(config, { logger });
  try {
    await server.store.createBucket({
      name: BUCKET,
      owner: server.root.accountId,
      acl: 'private',
      storageClass: 'Standard',
    });
    await server.store.putObject({
      bucket: BUCKET,
      key: KEY,
      body: Readable.from([Buffer.from('hello bench')]),
      tags: [{ key: 'k', value: 'v' }],
    });
    const load: LoadArgs = {
      port: server.port,
      accessKeyId: server.root.accessKeyId,
      secret: server.root.secret,
      seconds: Number(arg('seconds', '10')),
      connections: Number(arg('connections', '64')),
    };
    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    loopDelay.enable();
    const cpuBefore = process.cpuUsage();
    const child = fork(fileURLToPath(import.meta.url), ['--child', JSON.stringify(load)], {
      execArgv: process.execArgv,
    });
    const result = await new Promise<LoadResult>((resolve, reject) => {
      child.once('message', (m) => resolve(m as LoadResult));
      child.once('error', reject);
      child.once('exit', (code) => code !== 0 && reject(new Error(`load generator exited with ${code}`)));
    });
    const cpu = process.cpuUsage(cpuBefore);
    loopDelay.disable();
    // Server CPU per request: a figure that stays meaningful when the machine is shared.
    const cpuUsPerRequest = (cpu.user + cpu.system) / Math.max(1, result.requests);
    const rps = result.requests / result.seconds;
    const summary = {
      bench: 'api',
      ops: 'HeadObject+GetObjectTagging (V4)',
      connections: load.connections,
      seconds: Number(result.seconds.toFixed(1)),
      logLevel,
      requests: result.requests,
      errors: result.errors,
      rps: Math.round(rps),
      p50ms: Number(result.p50.toFixed(2)),
      p99ms: Number(result.p99.toFixed(2)),
      serverCpuUsPerRequest: Math.round(cpuUsPerRequest),
      // Server event-loop stalls: the tail a client sees beyond queueing.
      loopDelayP99ms: Number(loopDelayMs(loopDelay.percentile(99), 5).toFixed(1)),
      loopDelayMaxMs: Number(loopDelayMs(loopDelay.max, 5).toFixed(1)),
      cpus: os.cpus().length,
      loadavg: Number(os.loadavg()[0]?.toFixed(1)),
    };
    if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else {
      process.stdout.write(
        `bench:api ${summary.ops}, ${summary.connections} keep-alive connections, ${summary.seconds} s, log level ${logLevel}, ${summary.cpus} CPUs\n` +
          `  requests ${summary.requests} (errors ${summary.errors})  ${summary.rps} req/s  p50 ${summary.p50ms} ms  p99 ${summary.p99ms} ms\n` +
          `  server CPU ${summary.serverCpuUsPerRequest} µs/request (load average ${summary.loadavg})\n` +
          `  server event-loop delay p99 ${summary.loopDelayP99ms} ms, max ${summary.loopDelayMaxMs} ms\n`,
      );
    }
  } finally {
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const childAt = process.argv.indexOf('--child');
if (childAt >= 0) {
  const result = await runLoad(JSON.parse(process.argv[childAt + 1] ?? '{}') as LoadArgs);
  process.send?.(result);
  process.exit(0);
} else {
  await parent();
}
