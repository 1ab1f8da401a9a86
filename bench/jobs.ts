/**
 * Jobs benchmark: a PutObjectTagging job over N objects (default 1,000,000) from a CSV manifest on the
 * built-in store, run by a real server (startServer) and driven over HTTP with ali-oss.
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
 * - peak_rss_mb           process RSS peak from job creation to Complete (server is in-process);
 * - describe_p99_ms       signed DescribeJob over HTTP, polled back to back while the job is Active;
 * - cancel_latency_ms     a second job cancelled mid-run: UpdateJobStatus sent → status Cancelled.
 * Targets (2 cores): prepare ≥500k/s, execute ≥150k/s, ratio ≥0.5, RSS ≤300 MB, p99 ≤50 ms, cancel ≤1 s.
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
import { createJobXml, jobCall, makeJobClient } from './job-client.js';
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

/** Watches a job's status transitions in-process (cheap) every 2 ms; resolves at a terminal status. */
async function timeline(
  server: RunningServer,
  jobId: string,
  onTick?: (status: JobStatus, done: number) => Promise<void> | void,
) {
  const at = new Map<JobStatus, number>();
  let peakRss = 0;
  for (;;) {
    const job = await server.backend.jobs.getJobById(jobId);
    if (!job) throw new Error('job vanished');
    if (!at.has(job.status)) at.set(job.status, performance.now());
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    if (onTick) await onTick(job.status, job.succeededTasks + job.failedTasks);
    if (['Complete', 'Cancelled', 'Failed'].includes(job.status)) return { at, peakRss, job };
    await sleep(2);
  }
}

/** Signed DescribeJob every DESCRIBE_EVERY_MS (a dashboard polling, not a flood that would steal the job's CPU). */
const DESCRIBE_EVERY_MS = 10;
async function describeLoop(server: RunningServer, jobId: string, stopAt: () => boolean): Promise<number[]> {
  const client = makeJobClient(server.port, server.root);
  const samples: number[] = [];
  while (!stopAt()) {
    const t = performance.now();
    await jobCall(client, { api: 'DescribeJob', jobId });
    const took = performance.now() - t;
    samples.push(took);
    await sleep(Math.max(0, DESCRIBE_EVERY_MS - took));
  }
  return samples;
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
  try {
    say(`seeding ${N} objects with ObjectStore.seedObjects (metadata only) + a ${N}-row CSV manifest …`);
    const roleArn = await setup(server);
    const client = makeJobClient(server.port, server.root);
    const report = { bucket: 'reports', prefix: 'bench/' };
    const create = async (value: string): Promise<string> => {
      const xml = await jobCall(client, {
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
    await jobCall(client, { api: 'UpdateJobStatus', jobId: idleId, status: 'Cancelled' });
    let n = 0;
    const idleSamples = await describeLoop(server, idleId, () => n++ >= 200);

    const t0 = performance.now();
    const id = await create('one');
    let active = false;
    let describe: Promise<number[]> | undefined;
    let finished = false;
    let lastStatus: JobStatus = 'New';
    // Event-loop delay while the job is Active: what every request waits behind (10 ms resolution).
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    let stopProfile: (() => Promise<void>) | undefined;
    // CPU time of every thread of the process while Active: comparable across runs on a busy machine.
    let cpuAtActive: NodeJS.CpuUsage | undefined;
    let cpuAtEnd: NodeJS.CpuUsage | undefined;
    const run = await timeline(server, id, async (status) => {
      lastStatus = status;
      if (status === 'Active' && !active) {
        active = true;
        cpuAtActive = process.cpuUsage();
        loopDelay.enable();
        if (PROFILE_FILE) stopProfile = await startPhaseProfile(PROFILE_FILE);
        describe = describeLoop(server, id, () => finished || lastStatus !== 'Active');
      }
      if (status !== 'Active' && active && cpuAtEnd === undefined) {
        cpuAtEnd = process.cpuUsage(cpuAtActive);
        loopDelay.disable();
        await stopProfile?.();
        stopProfile = undefined;
      }
    });
    finished = true;
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
    const cancelRun = await timeline(server, id2, async (status, done) => {
      if (sent === 0 && status === 'Active' && done >= Math.min(200_000, N / 4)) {
        sent = performance.now();
        await jobCall(client, { api: 'UpdateJobStatus', jobId: id2, status: 'Cancelled', reason: 'bench' });
      }
    });
    const cancelled = cancelRun.at.get('Cancelled') ?? performance.now();

    say(`baseline: ${N} tag updates straight through applyBatch …`);
    const baseline = await measureBaseline(N);
    const execute = N / ((completing - activeAt) / 1000);
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
      peak_rss_mb: Math.round(Math.max(run.peakRss, cancelRun.peakRss) / 2 ** 20),
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
    await server.close();
    await benchDb.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
