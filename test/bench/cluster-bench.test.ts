/**
 * The cluster bench's own measuring parts (bench/proc-cpu.ts, bench/store-process.ts): its verdicts are only
 * as true as these. CPU is read from /proc for processes the bench did not start in its runtime; the store's
 * second port adds the latency without a proxy.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnBenchChild, type BenchChild } from '../../bench/bench-child.js';
import { cpuSeconds, cpuTime, CpuMeter, machineTicks } from '../../bench/proc-cpu.js';

const hasProc = fs.existsSync('/proc/self/stat');

/** A child that burns `ms` of CPU (by its own clock), then waits to be killed. */
function burner(ms: number): { pid: number; done: Promise<void>; kill(): void } {
  const code = `const t=process.cpuUsage();while((process.cpuUsage(t).user+process.cpuUsage(t).system)/1000<${ms}){}process.stdout.write('done');setInterval(()=>{},1000);`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const done = new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  return { pid: child.pid as number, done, kill: () => child.kill('SIGKILL') };
}

describe('per-process CPU from /proc', () => {
  it('counts the CPU another process burned, and only its own', async () => {
    const b = burner(400);
    const meter = new CpuMeter([b.pid]);
    meter.start();
    await b.done;
    const used = meter.stop();
    const total = cpuSeconds(b.pid);
    b.kill();
    if (!hasProc) {
      expect(used).toBeUndefined();
      return;
    }
    // 400 ms burned by the child's own clock; /proc counts in 10 ms ticks, and start() may come a few ms
    // after the child started burning.
    expect(used!.user + used!.sys).toBeGreaterThan(0.3);
    expect(total).toBeGreaterThanOrEqual(used!.user + used!.sys);
    expect(cpuTime(process.pid)!.user).toBeGreaterThan(0);
  });

  it('reads the whole machine as busy and total ticks', () => {
    const t = machineTicks();
    if (!hasProc) return expect(t).toBeUndefined();
    expect(t!.busy).toBeGreaterThan(0);
    expect(t!.total).toBeGreaterThan(t!.busy);
  });
});

describe("the bench store's delayed port", () => {
  let store: BenchChild | undefined;
  afterAll(async () => {
    await store?.close();
  });

  const timed = (port: number): Promise<{ status: number; ms: number }> =>
    new Promise((resolve, reject) => {
      const t0 = performance.now();
      http
        .get({ host: '127.0.0.1', port, path: '/' }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
        })
        .on('error', reject);
    });

  it('serves the same store, each request held the delay first', async () => {
    store = await spawnBenchChild('store-process.ts', ['3', '150']);
    const [direct, delayed] = store.ports as [number, number];
    const near = await timed(direct);
    const far = await timed(delayed);
    // An unsigned ListBuckets: the same store refuses it the same way on both ports.
    expect(far.status).toBe(near.status);
    expect(near.status).toBe(403);
    // Timers never fire early: the delayed answer cannot come before 150 ms.
    expect(far.ms).toBeGreaterThanOrEqual(150);
  }, 60_000);
});
