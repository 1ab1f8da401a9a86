/**
 * What one request costs a server when requests come one at a time, as a dashboard's DescribeJob poll
 * does (every 10 ms), against back to back: the server's CPU per request (/proc, net of what the idle
 * process spends anyway) for the bare Node baseline and ossbatch answering the same `GET /-/health` bytes
 * (bench/http-targets.ts, as `npm run bench:http` starts them), over one keep-alive connection.
 * docs/performance.md cites it for the floor under the jobs bench's DescribeJob latency and CPU.
 *
 *   npx tsx bench/sporadic-requests.ts [--requests 1000] [--gap-ms 10]
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { ROOT, record, type Case } from './http-cases.js';
import { startBare, startOssbatch, type Target } from './http-targets.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const REQUESTS = Number(arg('requests', '1000'));
const GAP_MS = Number(arg('gap-ms', '10'));
const health: Case = { name: 'health', method: 'GET', path: '/-/health', headers: () => ({}) };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function measure(t: Target): Promise<Record<string, number | string>> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = (): Promise<void> =>
    new Promise((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port: t.port, path: health.path, agent }, (res) => {
          res.resume();
          res.on('end', resolve);
        })
        .on('error', reject);
    });
  const cpu = (): number => t.cpuMs() ?? NaN;
  for (let i = 0; i < 200; i++) await get(); // warm-up (JIT on both sides)
  const out: Record<string, number | string> = { server: t.name };
  for (const gap of [GAP_MS, 0]) {
    // What the idle process spends meanwhile (timers, samplers), over 3 s: subtracted below.
    let c0 = cpu();
    let t0 = performance.now();
    await sleep(3000);
    const idleMsPerMs = (cpu() - c0) / (performance.now() - t0);
    c0 = cpu();
    t0 = performance.now();
    for (let i = 0; i < REQUESTS; i++) {
      await get();
      if (gap > 0) await sleep(gap);
    }
    const usedMs = cpu() - c0 - idleMsPerMs * (performance.now() - t0);
    out[gap > 0 ? `cpu_us_per_request_gap_${gap}ms` : 'cpu_us_per_request_back_to_back'] = Math.round(
      (usedMs * 1000) / REQUESTS,
    );
  }
  agent.destroy();
  return out;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-bench-sporadic-'));
try {
  const repo = path.resolve(import.meta.dirname, '..');
  const ours = await startOssbatch('ossbatch', repo, path.join(tmp, 'ours'), ROOT);
  const file = path.join(tmp, 'responses.json');
  fs.writeFileSync(file, JSON.stringify([await record(ours.port, health)]));
  const bare = await startBare(file);
  try {
    for (const t of [bare, ours])
      console.log(JSON.stringify({ ...(await measure(t)), load: os.loadavg()[0] }));
  } finally {
    await Promise.all([bare.stop(), ours.stop()]);
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
