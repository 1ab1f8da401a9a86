/**
 * Cluster benchmark (issue 8): a PutObjectTagging job over a remote store (an embedded ossbatch store
 * process) run by `ossbatch server` node processes on one PostgreSQL database.
 *
 *   npm run bench:cluster -- --json               one JSON line
 *   npm run bench:cluster -- --objects 5000       a smaller job (default 50,000)
 *
 * Figures, each N / (CreateJob → Complete) as DescribeJob reports it:
 * - nodes_1_tasks_per_s            one node, every store request delayed 10 ms by a proxy;
 * - nodes_3_tasks_per_s            three nodes, the same proxy;
 * - scaling                        nodes_3 / nodes_1 (target ≥ 2.5);
 * - remote_unthrottled_tasks_per_s one node straight to the store (no added latency).
 * Needs PostgreSQL at 127.0.0.1:5432 (user postgres, trust); a fresh database is made and dropped.
 */
import fs from 'node:fs';
import { createDatabase, dropDatabase, PG_SKIP, pgUrl, uniqueDbName } from '../test/db/backends.js';
import type { TestServer } from '../test/helpers/server.js';
import { TRUST_OSS } from '../test/jobs/jobs-env.js';
import {
  createTagJob,
  describe,
  nodeEnv,
  startNode,
  startStore,
  type Node,
} from '../test/cluster/cluster-harness.js';
import { runCli } from '../test/store/remote/cli-process.js';
import { startLatencyProxy } from './latency-proxy.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const oArg = args.indexOf('--objects');
const N = oArg >= 0 ? Number(args[oArg + 1]) : 50_000;
/** The added latency per store request (issue 8: a fixed 10 ms). */
const DELAY_MS = 10;
const say = (s: string): void => void (json || console.log(s));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const POLICY = JSON.stringify({
  Version: '1',
  Statement: [
    { Effect: 'Allow', Action: ['oss:GetObject', 'oss:PutObject', 'oss:PutObjectTagging'], Resource: ['*'] },
  ],
});

function setupRole(db: string): void {
  const ram = (a: string[]): void => {
    const r = runCli(['ram', ...a, '--db', db], nodeEnv());
    if (r.status !== 0) throw new Error(`ram ${a[0]}: ${r.stderr}`);
  };
  ram(['create-role', '--role-name', 'tagger', '--assume-role-policy-document', TRUST_OSS]);
  ram(['create-policy', '--policy-name', 'tagging', '--policy-document', POLICY]);
  ram(['attach-policy-to-role', '--policy-name', 'tagging', '--role-name', 'tagger']);
}

/** Starts `count` nodes on `storePort`, runs one job to Complete through the first, stops them: tasks/s. */
async function run(db: string, storePort: number, count: number, tag: string): Promise<number> {
  const nodes: Node[] = [await startNode(db, storePort)];
  for (let i = 1; i < count; i++) nodes.push(await startNode(db, storePort));
  try {
    const first = nodes[0] as Node;
    const t0 = performance.now();
    const jobId = await createTagJob(first, tag, `${tag}/`);
    for (;;) {
      const j = await describe(first, jobId);
      if (j.status === 'Complete') {
        if (j.succeeded !== N) throw new Error(`${tag}: ${j.succeeded} of ${N} tasks succeeded`);
        break;
      }
      if (j.status === 'Failed' || j.status === 'Cancelled') throw new Error(`${tag}: job ${j.status}`);
      await sleep(50);
    }
    const rate = N / ((performance.now() - t0) / 1000);
    say(`${tag}: ${Math.round(rate)} tasks/s`);
    return rate;
  } finally {
    for (const n of nodes) {
      await n.proc.stop();
      fs.rmSync(n.dataDir, { recursive: true, force: true });
    }
  }
}

async function main(): Promise<void> {
  if (PG_SKIP) throw new Error(PG_SKIP);
  const name = uniqueDbName('bench_cluster');
  await createDatabase(name);
  let store: TestServer | undefined;
  let proxy: Awaited<ReturnType<typeof startLatencyProxy>> | undefined;
  try {
    say(`seeding ${N} objects in the store…`);
    store = await startStore(N);
    proxy = await startLatencyProxy(store.port, DELAY_MS);
    const db = pgUrl(name);
    // The first node creates the schema and the root account; the role needs both.
    const boot = await startNode(db, store.port);
    setupRole(db);
    await boot.proc.stop();
    fs.rmSync(boot.dataDir, { recursive: true, force: true });
    const unthrottled = await run(db, store.port, 1, 'unthrottled');
    const one = await run(db, proxy.port, 1, 'nodes1');
    const three = await run(db, proxy.port, 3, 'nodes3');
    const out = {
      objects: N,
      added_latency_ms: DELAY_MS,
      nodes_1_tasks_per_s: Math.round(one),
      nodes_3_tasks_per_s: Math.round(three),
      scaling: Math.round((three / one) * 100) / 100,
      remote_unthrottled_tasks_per_s: Math.round(unthrottled),
      cpus: (await import('node:os')).cpus().length,
      loadavg_1m: Math.round((await import('node:os')).loadavg()[0] ?? 0),
    };
    if (json) process.stdout.write(`${JSON.stringify(out)}\n`);
    else say(JSON.stringify(out, null, 2));
  } finally {
    await proxy?.close();
    await store?.close();
    await dropDatabase(name);
  }
}

await main();
