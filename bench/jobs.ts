/**
 * Jobs benchmark: a PutObjectTagging job over N objects (default 1,000,000) from a CSV manifest on the
 * built-in store, run by a real server and driven over HTTP with ali-oss from a client process of its own
 * (bench/job-client-process.ts). The server is a third process (bench/job-server-process.mjs): plain `node`
 * on the compiled dist/, as `npm start` runs it, started after this process has seeded the objects and the
 * manifest into its data dir. Its CPU, loop delay and RSS are what the figures report: the server alone,
 * without tsx (~26 MB RSS) or the seeding's arrays and garbage.
 *
 *   npm run bench                 human-readable figures
 *   npm run bench -- --json       one JSON line
 *   npm run bench -- --objects 200000
 *   npm run bench -- --workers 3 --chunk-size 10000   (engine settings; defaults from src/config.ts)
 *   npm run bench -- --db postgres://postgres@127.0.0.1:5432   (jobs/IAM on PostgreSQL, bench/bench-db.ts:
 *                                 a URL without a database name: a fresh one is created and dropped)
 *   npm run bench -- --split-cpu  (adds the store write S and the rest E of the loop thread's CPU per task)
 *   npm run bench -- --cpu-prof-execute exec.cpuprofile   (a V8 CPU profile of the execute phase only)
 *   npm run bench -- --heap-prof-execute exec.heapprofile   (every allocation of the execute phase, sampled;
 *                                 `npx tsx bench/heap-summary.ts exec.heapprofile 30 <tasks>`: bytes per task;
 *                                 with --promoted-only: only what survived the young generation)
 *   npm run bench -- --dist ../other/dist   (the server, seeding and baseline of another build, this harness)
 *   npm run bench -- --node-flags "--perf-basic-prof"   (flags for the server's node process)
 *   OSSBATCH_PG_QUERIES_OUT=q.json npm run bench -- --db … --node-flags "--import ./bench/pg-queries-preload.mjs"
 *                                 (every PostgreSQL query the server sent, counted and timed per statement)
 *   OSSBATCH_DESCRIBE_TIMING_OUT=d.json npm run bench -- --node-flags "--import ./bench/describe-timing-preload.mjs"
 *                                 (each DescribeJob timed inside the server, and its PostgreSQL query; the
 *                                 client process then times its side too: `npx tsx bench/describe-split.ts
 *                                 d.json` splits each call into its parts)
 *
 * Objects are seeded metadata-only with ObjectStore.seedObjects (no HTTP PUTs). Figures:
 * - prepare_tasks_per_s   N / (CreateJob → job leaves Preparing): manifest streamed, chunks stored;
 * - execute_tasks_per_s   N / (first Active → Completing): authorize + applyBatch + report shards;
 * - baseline_updates_per_s the same N tag updates straight through applyBatch (bench/store-baseline.ts), run
 *                         just before the job and again after it (baseline_before/after_updates_per_s):
 *                         their harmonic mean, i.e. the mean time per update;
 * - ratio_to_baseline     execute / baseline;
 * - execute_main_cpu_us_per_task  the server's event-loop thread's CPU per task while Active (Linux): the
 *                         store write S plus everything else E that runs on that thread;
 * - execute_store_cpu_us_per_task  with --split-cpu: CPU inside the store's applyBatch per task while Active
 *   (S), and execute_other_main_cpu_us_per_task  the loop thread's CPU per task less that (E: manifest, IAM,
 *                         report, chunk bookkeeping, scheduling, serving DescribeJob; Linux). Opt-in: its two
 *                         clock reads per batch (getrusage + pread) cost the measured server 0.06 µs per task
 *                         (--cpu-prof-execute, 300k tasks, bench/profile-summary.ts inclusive), ~1% of it;
 * - execute_postgres_cpu_us_per_task  with --db postgres://…: the CPU of PostgreSQL's backends for the
 *                         bench's database per task while Active, from /proc (the server on this machine;
 *                         bench/pg-backend-cpu.ts), null on SQLite;
 * - baseline_cpu_us_per_update    the baseline thread's CPU per update (Linux);
 * - ratio_main_cpu        baseline_cpu_us_per_update / execute_main_cpu_us_per_task: what the ratio would be
 *                         if neither thread ever waited for a core (steadier than the ratio when the
 *                         machine is shared; the engine's loop has no idle time during execute);
 * - peak_rss_mb           the server process's RSS peak from job creation to Complete (the client's not included);
 * - describe_p99_ms       signed DescribeJob over HTTP from the client process, every 10 ms while Active;
 * - describe_idle_p99_ms  the same with no job running, after 100 warm-up calls (the control);
 * - describe_server_cpu_us the server's CPU per DescribeJob over those idle calls;
 * - cancel_latency_ms     a second job cancelled mid-run: UpdateJobStatus sent → status Cancelled.
 * - wal_*                 the built-in store's WAL while Active (the server's ossbatch_wal_* histograms,
 *                         src/db/sqlite/wal-metrics.ts): checkpoints on the thread and their total ms, the
 *                         bucket bound (ms) the longest fell under (the disk's state in this run: a disk
 *                         that stalls shows here), and the pauses bulk writes waited for the WAL's restart:
 *                         count, how many gave up (frames held by a reader), total ms, longest bound.
 * Targets (issue 10, 2 cores): execute ≥150k/s and ≥0.75× baseline, RSS ≤200 MB, DescribeJob p99 ≤10 ms,
 * prepare and cancel no worse than before.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildConfig, DEFAULTS, defaultBaseDomains } from '../dist/config.js';
import { forkJobClient } from './job-client-fork.js';
import { createJobXml } from './job-xml.js';
import { openBenchDb } from './bench-db.js';
import { pgBackendCpuFor } from './pg-backend-cpu.js';
import { measureBaseline } from './store-baseline.js';
import { epochNow, forkServer } from './job-server-fork.js';
import { distDirOf, seedJobData } from './job-seed.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const nArg = args.indexOf('--objects');
const N = nArg >= 0 ? Number(args[nArg + 1]) : 1_000_000;
const numArg = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const dbArg = args.indexOf('--db');
const DB = dbArg >= 0 ? args[dbArg + 1] : undefined;
const profArg = args.indexOf('--cpu-prof-execute');
const PROFILE_FILE = profArg >= 0 ? path.resolve(args[profArg + 1] as string) : undefined;
const heapArg = args.indexOf('--heap-prof-execute');
const HEAP_FILE = heapArg >= 0 ? path.resolve(args[heapArg + 1] as string) : undefined;
const distArg = args.indexOf('--dist');
const DIST = distDirOf(distArg >= 0 ? args[distArg + 1] : undefined);
// Extra flags for the server's node (e.g. `--node-flags "--perf-basic-prof --trace-gc"`), space-separated.
const flagsArg = args.indexOf('--node-flags');
const NODE_FLAGS = flagsArg >= 0 ? (args[flagsArg + 1] ?? '').split(' ').filter(Boolean) : [];
const say = (s: string): void => void (json || console.log(s));

function tagOp(value: string): string {
  return `<PutObjectTagging><TagSet><Tag><Key>project</Key><Value>ossbatch</Value></Tag><Tag><Key>run</Key><Value>${value}</Value></Tag></TagSet></PutObjectTagging>`;
}

type Baseline = Awaited<ReturnType<typeof measureBaseline>>;

/** Two baseline runs as one: the mean time (and CPU) per update, so the rate is their harmonic mean. */
function bracketed(a: Baseline, b: Baseline): Baseline {
  const cpu =
    a.cpuUsPerUpdate === undefined || b.cpuUsPerUpdate === undefined
      ? {}
      : { cpuUsPerUpdate: (a.cpuUsPerUpdate + b.cpuUsPerUpdate) / 2 };
  return { updatesPerS: 2 / (1 / a.updatesPerS + 1 / b.updatesPerS), ...cpu };
}

const p99 = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.99))] ?? 0;
};

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-bench-'));
  const benchDb = await openBenchDb(DB);
  say(`database: ${benchDb.label}; server: node ${DIST}`);
  const rawConfig = {
    ...DEFAULTS,
    db: benchDb.db,
    host: '127.0.0.1',
    port: 0,
    dataDir: dir,
    baseDomains: defaultBaseDomains(DEFAULTS.region),
    logLevel: 'silent',
    workers: numArg('--workers', DEFAULTS.workers),
    chunkSize: numArg('--chunk-size', DEFAULTS.chunkSize),
  };
  const config = buildConfig(rawConfig);
  let closeServer = (): Promise<void> => Promise.resolve();
  let closeClient = (): Promise<void> => Promise.resolve();
  let closePgCpu = (): Promise<void> => Promise.resolve();
  try {
    say(`seeding ${N} objects with ObjectStore.seedObjects (metadata only) + a ${N}-row CSV manifest …`);
    // In this process, before the server starts: its arrays and garbage are not the server's.
    const roleArn = await seedJobData({
      distDir: DIST,
      dataDir: dir,
      db: config.db,
      region: config.region,
      n: N,
    });
    // The server as `npm start` runs it: plain node on dist/, a process of its own (bench/job-server-process.mjs).
    const server = await forkServer(rawConfig, DIST, NODE_FLAGS);
    closeServer = () => server.close();
    // The client (ali-oss, the DescribeJob poller) runs in its own process too.
    const client = forkJobClient(server.port, server.root);
    closeClient = () => client.close();
    const report = { bucket: 'reports', prefix: 'bench/' };
    const create = async (value: string): Promise<string> => {
      const xml = await client.call({
        api: 'CreateJob',
        body: createJobXml({
          operation: tagOp(value),
          manifest: { bucket: 'bench', object: 'manifest.csv' },
          report,
          roleArn,
        }),
      });
      return /<JobId>([^<]+)<\/JobId>/.exec(xml)?.[1] ?? '';
    };

    // Control: DescribeJob latency with no job running (shows what the machine itself adds).
    const idleId = await create('idle');
    await client.call({ api: 'UpdateJobStatus', jobId: idleId, status: 'Cancelled' });
    // Warm-up first (the client's and the server's JIT: the first ~100 calls of a process are slower), then
    // 200 samples, with the server's CPU time over them, less what the idle server spends meanwhile anyway
    // (engine poll, console sampler; measured over 1 s without requests): one DescribeJob's cost.
    await client.describe(idleId, 'warm-up', 100);
    const cpuNow = async (): Promise<{ us: number; at: number }> => {
      const { cpu } = await server.memory();
      return { us: cpu.user + cpu.system, at: performance.now() };
    };
    const quietFrom = await cpuNow();
    await new Promise((r) => setTimeout(r, 1000));
    const quietTo = await cpuNow();
    const backgroundUsPerMs = (quietTo.us - quietFrom.us) / (quietTo.at - quietFrom.at);
    const idleFrom = await cpuNow();
    const idleSamples = await client.describe(idleId, 'idle', 200);
    const idleTo = await cpuNow();
    const describeCpuUs =
      (idleTo.us - idleFrom.us - backgroundUsPerMs * (idleTo.at - idleFrom.at)) / idleSamples.length;

    // The baseline runs just before the measured job and again after it, and the ratio takes both: this
    // machine's speed drifts by 30-60% over minutes (the same baseline read 136k-242k updates/s within an
    // hour on 2026-11-30), and one run after the job alone left the ratio to that drift.
    say(`baseline (before the job): ${N} tag updates straight through applyBatch …`);
    const baselineBefore = await measureBaseline(N, DIST);
    const before = (await server.memory()).usage;
    const t0 = epochNow();
    const id = await create('one');
    let describe: Promise<number[]> | undefined;
    // The server measures CPU time (all its threads), event-loop delay and (--cpu-prof-execute) a CPU
    // profile from Active to Completing, started and stopped at the engine's status event itself.
    let describing = false;
    // PostgreSQL's backends over the same phase, read by this process (a few ms after the status event).
    const pgCpu = await pgBackendCpuFor(config.db);
    closePgCpu = () => pgCpu?.close() ?? Promise.resolve();
    let pgStarted: Promise<void> | undefined;
    let pgSeconds: Promise<number> | undefined;
    const run = await server.watch(id, {
      measure: true,
      splitCpu: args.includes('--split-cpu'),
      ...(PROFILE_FILE ? { profileFile: PROFILE_FILE } : {}),
      ...(HEAP_FILE ? { heapProfileFile: HEAP_FILE, promotedOnly: args.includes('--promoted-only') } : {}),
      onStatus: (status) => {
        if (status === 'Active') {
          describing = true;
          describe = client.describe(id, 'job');
          pgStarted = pgCpu?.meter.start();
        } else if (describing) {
          describing = false;
          client.stopDescribe();
          if (pgStarted) pgSeconds = pgStarted.then(() => pgCpu?.meter.stop() ?? NaN);
        }
      },
    });
    const samples = (await describe) ?? [];
    const executePgSeconds = pgSeconds ? await pgSeconds : undefined;
    const prepared = run.at.get('Ready') ?? run.at.get('Active') ?? t0;
    const activeAt = run.at.get('Active') ?? prepared;
    const completing = run.at.get('Completing') ?? epochNow();
    const complete = run.at.get('Complete') ?? epochNow();
    if (run.job.status !== 'Complete' || run.job.succeededTasks !== N)
      throw new Error(`job ended ${run.job.status} with ${run.job.succeededTasks}/${N}`);

    say('cancel run …');
    const id2 = await create('two');
    let sent = 0;
    const cancelRun = await server.watch(id2, {
      onTick: async (status, done) => {
        if (sent === 0 && status === 'Active' && done >= Math.min(200_000, N / 4)) {
          sent = epochNow();
          await client.call({ api: 'UpdateJobStatus', jobId: id2, status: 'Cancelled', reason: 'bench' });
        }
      },
    });
    const cancelled = cancelRun.at.get('Cancelled') ?? epochNow();

    say(`baseline (after the job): ${N} tag updates straight through applyBatch …`);
    const baselineAfter = await measureBaseline(N, DIST);
    const baseline = bracketed(baselineBefore, baselineAfter);
    const execute = N / ((completing - activeAt) / 1000);
    const peak = run.peak.rss >= cancelRun.peak.rss ? run.peak : cancelRun.peak;
    const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);
    const cpu = run.cpu;
    const mainUs = run.mainCpuNs === undefined ? undefined : run.mainCpuNs / 1000 / N;
    const storeUs = run.storeCpuUs === undefined ? undefined : run.storeCpuUs / N;
    const result = {
      bench: 'jobs',
      objects: N,
      seeded_with: 'seedObjects',
      chunk_size: config.chunkSize,
      workers: config.workers,
      prepare_tasks_per_s: Math.round(N / ((prepared - t0) / 1000)),
      execute_tasks_per_s: Math.round(execute),
      execute_cpu_us_per_task: cpu ? Number(((cpu.user + cpu.system) / N).toFixed(2)) : null,
      execute_main_cpu_us_per_task: mainUs === undefined ? null : Number(mainUs.toFixed(2)),
      execute_store_cpu_us_per_task: storeUs === undefined ? null : Number(storeUs.toFixed(2)),
      execute_other_main_cpu_us_per_task:
        mainUs === undefined || storeUs === undefined ? null : Number((mainUs - storeUs).toFixed(2)),
      execute_postgres_cpu_us_per_task:
        executePgSeconds === undefined ? null : Number(((executePgSeconds * 1e6) / N).toFixed(2)),
      report_ms: Math.round(complete - completing),
      baseline_updates_per_s: Math.round(baseline.updatesPerS),
      baseline_before_updates_per_s: baselineBefore.updatesPerS,
      baseline_after_updates_per_s: baselineAfter.updatesPerS,
      ratio_to_baseline: Number((execute / baseline.updatesPerS).toFixed(3)),
      baseline_cpu_us_per_update:
        baseline.cpuUsPerUpdate === undefined ? null : Number(baseline.cpuUsPerUpdate.toFixed(2)),
      ratio_main_cpu:
        mainUs === undefined || baseline.cpuUsPerUpdate === undefined
          ? null
          : Number((baseline.cpuUsPerUpdate / mainUs).toFixed(3)),
      peak_rss_mb: mb(peak.rss),
      // Where the peak lives: V8's heap (all spaces), buffers outside it; the rest is native (SQLite, code).
      peak_heap_total_mb: mb(peak.heapTotal),
      peak_heap_used_mb: mb(peak.heapUsed),
      peak_external_mb: mb(peak.external),
      rss_before_job_mb: mb(before.rss),
      heap_total_before_job_mb: mb(before.heapTotal),
      describe_p99_ms: Number(p99(samples).toFixed(1)),
      describe_samples: samples.length,
      describe_idle_p99_ms: Number(p99(idleSamples).toFixed(1)),
      // Server CPU per DescribeJob with no job running (HTTP, signature, the job's row, the XML).
      describe_server_cpu_us: Math.round(describeCpuUs),
      loop_delay_p99_ms: run.loopDelay?.p99 ?? null,
      loop_delay_max_ms: run.loopDelay?.max ?? null,
      load_average_1m: Number(os.loadavg()[0]?.toFixed(2)),
      cancel_latency_ms: sent ? Math.round(cancelled - sent) : null,
      cancel_status: cancelRun.job.status,
      wal_checkpoints: run.wal?.checkpoints ?? null,
      wal_checkpoint_ms: run.wal?.checkpointMs ?? null,
      wal_checkpoint_longest_le_ms: run.wal?.checkpointLongestLeMs ?? null,
      wal_pauses: run.wal?.pauses ?? null,
      wal_pauses_gave_up: run.wal?.pausesGaveUp ?? null,
      wal_pause_ms: run.wal?.pauseMs ?? null,
      wal_pause_longest_le_ms: run.wal?.pauseLongestLeMs ?? null,
    };
    if (json) console.log(JSON.stringify(result));
    else for (const [k, v] of Object.entries(result)) console.log(`${k.padEnd(24)} ${String(v)}`);
  } finally {
    await closeClient();
    await closePgCpu();
    await closeServer();
    await benchDb.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
