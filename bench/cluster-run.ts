/**
 * One measured run of the cluster bench: start the nodes, run one PutObjectTagging job to Complete through
 * the first, and measure where the CPU went while it ran (per process, from /proc: bench/proc-cpu.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import pg from 'pg';
import { pgUrl } from '../test/db/backends.js';
import { createTagJob, describe, startNode, type Node } from '../test/cluster/cluster-harness.js';
import { PgBackendCpu } from './pg-backend-cpu.js';
import { CpuMeter, machineTicks, ownCpuSeconds, type CpuTime } from './proc-cpu.js';

export interface RunSetup {
  readonly dbName: string;
  readonly storePort: number;
  readonly storePid: number;
  /** The latency proxy's pid when the nodes go through it. */
  readonly proxyPid?: number;
  readonly nodes: number;
  /** The manifest (in bucket manifests) and how many objects it names. */
  readonly manifest: string;
  readonly objects: number;
  readonly tag: string;
  /** Extra server flags (--store-concurrency) and node flags (--cpu-prof) for the nodes. */
  readonly nodeArgs?: string[];
  readonly nodeFlags?: string[];
}

/** CPU seconds per process (group) during the run. */
export interface CpuFigures {
  store: number;
  proxy?: number;
  /** One figure per node, in start order (the first node also planned the job and answered the polls). */
  nodes: number[];
  /** The PostgreSQL backends serving the bench's database. */
  postgres: number;
  /** The bench process itself (job creation and DescribeJob polls every 50 ms). */
  driver: number;
}

export interface RunFigures {
  tasks_per_s: number;
  wall_s: number;
  cpu_s: CpuFigures;
  /** cpu_s × 10⁶ / tasks: what one task costs each process. */
  cpu_us_per_task: { store: number; proxy?: number; nodes: number; postgres: number };
  /** Share of the store's, proxy's and nodes' CPU spent in the kernel (loopback TCP, mostly). */
  kernel_share: number;
  /** Share of all the machine's cores busy during the run, whoever used them (/proc/stat). */
  machine_busy: number;
  /** Share of all cores the bench's own processes used. */
  bench_busy: number;
  loadavg_1m: number;
  /**
   * The machine had no CPU to spare: ≥ 90% of all cores busy over the run. Then more nodes on this box only
   * add processes sharing the same cores, and the figure measures the box, not the cluster.
   */
  cpu_bound: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;
/** ≥ 90% of every core busy: what "CPU-bound" means for a run (some idle is scheduling slack). */
const CPU_BOUND_BUSY = 0.9;

export async function runJob(s: RunSetup): Promise<RunFigures> {
  const db = pgUrl(s.dbName);
  const extra = { args: s.nodeArgs ?? [], nodeFlags: s.nodeFlags ?? [] };
  const nodes: Node[] = [];
  // Connected to another database, so that this client's backend is not counted.
  const sql = new pg.Client({ connectionString: pgUrl('postgres') });
  await sql.connect();
  try {
    for (let i = 0; i < s.nodes; i++) nodes.push(await startNode(db, s.storePort, extra));
    const first = nodes[0] as Node;
    const pgCpu = new PgBackendCpu(sql, s.dbName);
    await pgCpu.start();
    const meters = {
      store: new CpuMeter([s.storePid]),
      proxy: s.proxyPid === undefined ? undefined : new CpuMeter([s.proxyPid]),
      nodes: nodes.map((n) => new CpuMeter([n.proc.child.pid as number])),
    };
    meters.store.start();
    meters.proxy?.start();
    for (const m of meters.nodes) m.start();
    const ticks0 = machineTicks();
    const own0 = ownCpuSeconds();
    const t0 = performance.now();
    const jobId = await createTagJob(first, s.tag, `${s.tag}/`, s.manifest);
    for (;;) {
      const j = await describe(first, jobId);
      if (j.status === 'Complete') {
        if (j.succeeded !== s.objects) throw new Error(`${s.tag}: ${j.succeeded} of ${s.objects} succeeded`);
        break;
      }
      if (j.status === 'Failed' || j.status === 'Cancelled') throw new Error(`${s.tag}: job ${j.status}`);
      // 200 ms: each DescribeJob costs the first node CPU (HTTP, signature, a database read); at 50 ms the
      // polls were ~2% of its CPU. The wall time is then known to ±0.2 s, ≤ 1% of a run of 20 s or more.
      await sleep(200);
    }
    const wall = (performance.now() - t0) / 1000;
    const driver = ownCpuSeconds() - own0;
    const ticks1 = machineTicks();
    const none = { user: NaN, sys: NaN };
    const storeTime = meters.store.stop() ?? none;
    const proxyTime = meters.proxy?.stop() ?? (meters.proxy ? none : undefined);
    const nodeTimes = meters.nodes.map((m) => m.stop() ?? none);
    const total = (t: CpuTime): number => t.user + t.sys;
    const store = total(storeTime);
    const proxy = proxyTime === undefined ? undefined : total(proxyTime);
    const nodeCpu = nodeTimes.map(total);
    const processes = [storeTime, ...(proxyTime ? [proxyTime] : []), ...nodeTimes];
    const kernel = processes.reduce((a, t) => a + t.sys, 0) / processes.reduce((a, t) => a + total(t), 0);
    const postgres = await pgCpu.stop();
    const cores = os.cpus().length;
    const machineBusy =
      ticks0 && ticks1 ? (ticks1.busy - ticks0.busy) / Math.max(1, ticks1.total - ticks0.total) : NaN;
    const ours = store + (proxy ?? 0) + nodeCpu.reduce((a, b) => a + b, 0) + postgres + driver;
    const perTask = (cpu: number): number => Math.round((cpu * 1e6) / s.objects);
    return {
      tasks_per_s: Math.round(s.objects / wall),
      wall_s: round(wall, 2),
      cpu_s: {
        store: round(store, 2),
        ...(proxy === undefined ? {} : { proxy: round(proxy, 2) }),
        nodes: nodeCpu.map((c) => round(c, 2)),
        postgres: round(postgres, 2),
        driver: round(driver, 2),
      },
      cpu_us_per_task: {
        store: perTask(store),
        ...(proxy === undefined ? {} : { proxy: perTask(proxy) }),
        nodes: perTask(nodeCpu.reduce((a, b) => a + b, 0)),
        postgres: perTask(postgres),
      },
      kernel_share: round(kernel, 2),
      machine_busy: round(machineBusy, 2),
      bench_busy: round(ours / (wall * cores), 2),
      loadavg_1m: round(os.loadavg()[0] ?? 0, 1),
      cpu_bound: machineBusy >= CPU_BOUND_BUSY,
    };
  } finally {
    await sql.end();
    for (const n of nodes) {
      await n.proc.stop();
      fs.rmSync(n.dataDir, { recursive: true, force: true });
    }
  }
}
