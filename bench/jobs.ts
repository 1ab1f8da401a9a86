/**
 * Jobs benchmark: a PutObjectTagging job over N objects (default 1,000,000) from a CSV manifest on the
 * built-in store, run by a real server (startServer) and driven over HTTP with ali-oss from a client process
 * of its own (bench/job-client-process.ts), so this process, whose CPU, loop delay and RSS are measured, is
 * the server alone.
 *
 *   npm run bench                 human-readable figures
 *   npm run bench -- --json       one JSON line
 *   npm run bench -- --objects 200000
 *   npm run bench -- --workers 3 --chunk-size 10000   (engine settings; defaults from src/config.ts)
 *   npm run bench -- --db postgres://postgres@127.0.0.1:5432   (jobs/IAM on PostgreSQL, bench/bench-db.ts:
 *                                 a URL without a database name: a fresh one is created and dropped)
 *   npm run bench -- --cpu-prof-execute exec.cpuprofile   (a V8 CPU profile of the execute phase only)
 *
 * Objects are seeded metadata-only with ObjectStore.seedObjects (no HTTP PUTs). Figures:
 * - prepare_tasks_per_s   N / (CreateJob → job leaves Preparing): manifest streamed, chunks stored;
 * - execute_tasks_per_s   N / (first Active → Completing): authorize + applyBatch + report shards;
 * - baseline_updates_per_s the same N tag updates straight through applyBatch (bench/store-baseline.ts);
 * - ratio_to_baseline     execute / baseline;
 * - peak_rss_mb           the server process's RSS peak from job creation to Complete (the client's not included);
 * - describe_p99_ms       signed DescribeJob over HTTP from the client process, every 10 ms while Active;
 * - cancel_latency_ms     a second job cancelled mid-run: UpdateJobStatus sent → status Cancelled.
 * Targets (issue 10, 2 cores): execute ≥150k/s and ≥0.75× baseline, RSS ≤200 MB, DescribeJob p99 ≤10 ms,
 * prepare and cancel no worse than before.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startPhaseProfile } from './phase-profile.js';
import { buildConfig, DEFAULTS, defaultBaseDomains } from '../dist/config.js';
import type { JobStatus } from '../src/jobs/model.js';
import { startServer, type RunningServer } from '../dist/server.js';
import { loopDelayMs } from '../dist/http/event-loop-delay.js';
import { forkJobClient } from './job-client-fork.js';
import { createJobXml } from './job-xml.js';
import { openBenchDb } from './bench-db.js';
import { measureBaseline } from './store-baseline.js';

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
const PROFILE_FILE = profArg >= 0 ? args[profArg + 1] : undefined;
const TRUST = JSON.stringify({
  Version: '1',
  Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: ['oss.aliyuncs.com'] } }],
});
const keyOf = (i: number): string => `data/${String(i).padStart(10, '0')}.bin`;
const say = (s: string): void => void (json || console.log(s));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function setup(server: RunningServer): Promise<string> {
  const { store, iamAdmin: iam, root } = server;
  for (const b of ['bench', 'reports'])
    await store.createBucket({ name: b, owner: root.accountId, acl: 'private', storageClass: 'Standard' });
  for (let from = 0; from < N; from += 50_000) {
    await store.seedObjects(
      'bench',
      Array.from({ length: Math.min(50_000, N - from) }, (_, j) => ({ key: keyOf(from + j) })),
    );
  }
  function* manifest(): Generator<Buffer> {
    for (let from = 0; from < N; from += 10_000) {
      let s = '';
      for (let i = from; i < Math.min(N, from + 10_000); i++) s += `bench,${keyOf(i)}\n`;
      yield Buffer.from(s);
    }
  }
  await store.putObject({ bucket: 'bench', key: 'manifest.csv', body: Readable.from(manifest()) });
  await iam.createRole({ roleName: 'bench', assumeRolePolicyDocument: TRUST });
  await iam.createPolicy({
    policyName: 'bench-all',
    policyDocument: JSON.stringify({
      Version: '1',
      Statement: [{ Effect: 'Allow', Action: ['oss:*'], Resource: ['*'] }],
    }),
  });
  await iam.attachPolicyToRole('bench-all', 'bench');
  return `acs:ram::${root.accountId}:role/bench`;
}

function tagOp(value: string): string {
  return `<PutObjectTagging><TagSet><Tag><Key>project</Key><Value>ossbatch</Value></Tag><Tag><Key>run</Key><Value>${value}</Value></Tag></TagSet></PutObjectTagging>`;
}

/**
 * Follows one job: the instant of each status change the engine makes (its `job-status` event, exact and
 * free), peak RSS sampled every 5 ms, and a cheap in-process poll (every 20 ms) of the counters for
 * `onTick` and of the terminal status (a transition another path makes has no engine event).
 */
async function timeline(
  server: RunningServer,
  jobId: string,
  hooks: {
    onStatus?: (status: JobStatus) => void;
    onTick?: (status: JobStatus, done: number) => Promise<void>;
  } = {},
) {
  const at = new Map<JobStatus, number>();
  const mark = (status: JobStatus): void => {
    if (at.has(status)) return;
    at.set(status, performance.now());
    hooks.onStatus?.(status);
  };
  const off = server.engine.events.on('job-status', (e) => e.jobId === jobId && mark(e.to));
  let peak = process.memoryUsage();
  // rss() alone is cheap; the full breakdown (it walks V8's heap spaces) only at a new peak.
  const rss = setInterval(() => {
    if (process.memoryUsage.rss() > peak.rss) peak = process.memoryUsage();
  }, 5);
  try {
    for (;;) {
      const job = await server.backend.jobs.getJobById(jobId);
      if (!job) throw new Error('job vanished');
      mark(job.status);
      if (hooks.onTick) await hooks.onTick(job.status, job.succeededTasks + job.failedTasks);
      if (['Complete', 'Cancelled', 'Failed'].includes(job.status)) return { at, peak, job };
      await sleep(20);
    }
  } finally {
    off();
    clearInterval(rss);
  }
}

const p99 = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.99))] ?? 0;
};

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-bench-'));
  const benchDb = await openBenchDb(DB);
  say(`database: ${benchDb.label}`);
  const config = buildConfig({
    ...DEFAULTS,
    db: benchDb.db,
    host: '127.0.0.1',
    port: 0,
    dataDir: dir,
    baseDomains: defaultBaseDomains(DEFAULTS.region),
    logLevel: 'silent',
    workers: numArg('--workers', DEFAULTS.workers),
    chunkSize: numArg('--chunk-size', DEFAULTS.chunkSize),
  });
  const server = await startServer(config);
  let closeClient = (): Promise<void> => Promise.resolve();
  try {
    say(`seeding ${N} objects with ObjectStore.seedObjects (metadata only) + a ${N}-row CSV manifest …`);
    const roleArn = await setup(server);
    // The client (ali-oss, the DescribeJob poller) runs in its own process: this one is the server alone.
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
    const idleSamples = await client.describe(idleId, 200);

    const before = process.memoryUsage();
    const t0 = performance.now();
    const id = await create('one');
    let describe: Promise<number[]> | undefined;
    // Event-loop delay while the job is Active: what every request waits behind (10 ms resolution).
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    let profile: Promise<() => Promise<void>> | undefined;
    let profileWritten: Promise<void> | undefined;
    // CPU time of every thread of the process while Active: comparable across runs on a busy machine.
    let cpuAtActive: NodeJS.CpuUsage | undefined;
    let cpuAtEnd: NodeJS.CpuUsage | undefined;
    // Started and stopped at the status change itself (the engine's event), not at the next poll.
    const run = await timeline(server, id, {
      onStatus: (status) => {
        if (status === 'Active') {
          cpuAtActive = process.cpuUsage();
          loopDelay.enable();
          if (PROFILE_FILE) profile = startPhaseProfile(PROFILE_FILE);
          describe = client.describe(id);
        } else if (cpuAtActive !== undefined && cpuAtEnd === undefined) {
          cpuAtEnd = process.cpuUsage(cpuAtActive);
          loopDelay.disable();
          client.stopDescribe();
          profileWritten = profile?.then((stop) => stop());
        }
      },
    });
    await profileWritten;
    const samples = (await describe) ?? [];
    const prepared = run.at.get('Ready') ?? run.at.get('Active') ?? t0;
    const activeAt = run.at.get('Active') ?? prepared;
    const completing = run.at.get('Completing') ?? performance.now();
    const complete = run.at.get('Complete') ?? performance.now();
    if (run.job.status !== 'Complete' || run.job.succeededTasks !== N)
      throw new Error(`job ended ${run.job.status} with ${run.job.succeededTasks}/${N}`);

    say('cancel run …');
    const id2 = await create('two');
    let sent = 0;
    const cancelRun = await timeline(server, id2, {
      onTick: async (status, done) => {
        if (sent === 0 && status === 'Active' && done >= Math.min(200_000, N / 4)) {
          sent = performance.now();
          await client.call({ api: 'UpdateJobStatus', jobId: id2, status: 'Cancelled', reason: 'bench' });
        }
      },
    });
    const cancelled = cancelRun.at.get('Cancelled') ?? performance.now();

    say(`baseline: ${N} tag updates straight through applyBatch …`);
    const baseline = await measureBaseline(N);
    const execute = N / ((completing - activeAt) / 1000);
    const peak = run.peak.rss >= cancelRun.peak.rss ? run.peak : cancelRun.peak;
    const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);
    const result = {
      bench: 'jobs',
      objects: N,
      seeded_with: 'seedObjects',
      chunk_size: config.chunkSize,
      workers: config.workers,
      prepare_tasks_per_s: Math.round(N / ((prepared - t0) / 1000)),
      execute_tasks_per_s: Math.round(execute),
      execute_cpu_us_per_task: cpuAtEnd ? Number(((cpuAtEnd.user + cpuAtEnd.system) / N).toFixed(2)) : null,
      report_ms: Math.round(complete - completing),
      baseline_updates_per_s: baseline.updatesPerS,
      ratio_to_baseline: Number((execute / baseline.updatesPerS).toFixed(3)),
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
      loop_delay_p99_ms: Number(loopDelayMs(loopDelay.percentile(99), 10).toFixed(1)),
      loop_delay_max_ms: Number(loopDelayMs(loopDelay.max, 10).toFixed(1)),
      load_average_1m: Number(os.loadavg()[0]?.toFixed(2)),
      cancel_latency_ms: sent ? Math.round(cancelled - sent) : null,
      cancel_status: cancelRun.job.status,
    };
    if (json) console.log(JSON.stringify(result));
    else for (const [k, v] of Object.entries(result)) console.log(`${k.padEnd(24)} ${String(v)}`);
  } finally {
    await closeClient();
    await server.close();
    await benchDb.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
