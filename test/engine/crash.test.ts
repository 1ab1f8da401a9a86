import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../src/db/backend.js';
import { systemClock } from '../../src/protocol/clock.js';
import { createBuiltinStoreFor } from '../../src/server.js';
import type { ObjectStore } from '../../src/store/object-store.js';
import { jobRequest, makeClient } from '../helpers/server.js';
import { openTestDb, TEST_BACKEND, type TestDb } from '../helpers/test-backend.js';
import { jobXml, parseCsvLine, TAG_OP } from './harness.js';

/**
 * kill -9 in the middle of a job, restart on the same data dir: the job finishes with exact counts, and
 * the report holds every manifest task exactly once. Runs the built CLI (dist/, built by `npm test`).
 * Both backends: embedded, the restarted server releases the dead process's leases at start (it holds
 * the data-dir lock); with `--db postgres://…` it may not (the database is shared), so it takes the
 * chunks over once their lease TTL (leaseMs) passed, and the node registry lets it start although the
 * killed node's row still looks live (same host, process gone).
 */
const N = 50_000;
const ACCOUNT = '1234567890123456';
const CREDS = { accessKeyId: 'LTAIcrashtestkey0001', secret: 'crash-test-secret-0123456789abcdef' };
const ROOT = path.resolve(import.meta.dirname, '../..');
const built = fs.existsSync(path.join(ROOT, 'dist/cli/main.js'));
const TRUST = JSON.stringify({
  Version: '1',
  Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: ['oss.aliyuncs.com'] } }],
});
const keyOf = (i: number): string => `crash/${String(i).padStart(6, '0')} ü,x`;

let dir: string;
let testDb: TestDb;

/** The data dir's database and store through the one factory (as the server opens them). */
async function openDataDir(): Promise<{ backend: Backend; store: ObjectStore; close(): Promise<void> }> {
  const backend = await createBackend({ db: testDb.db, dataDir: dir });
  const builtin = await createBuiltinStoreFor(backend, {
    dataDir: dir,
    clock: systemClock,
    region: 'cn-hangzhou',
    restoreDurationMs: 200,
  });
  return {
    backend,
    store: builtin.store,
    async close() {
      await builtin.close();
      await backend.close();
    },
  };
}

async function seed(): Promise<void> {
  const opened = await openDataDir();
  const { store } = opened;
  for (const b of ['src', 'reports'])
    await store.createBucket({ name: b, owner: ACCOUNT, acl: 'private', storageClass: 'Standard' });
  await store.seedObjects(
    'src',
    Array.from({ length: N }, (_, i) => ({ key: keyOf(i) })),
  );
  const manifest = Array.from({ length: N }, (_, i) => `src,${encodeURIComponent(keyOf(i))}\n`).join('');
  await store.putObject({ bucket: 'src', key: 'manifest.csv', body: Readable.from([Buffer.from(manifest)]) });
  const iam = opened.backend.iamAdmin.admin(ACCOUNT, systemClock);
  await iam.createRole({ roleName: 'batch', assumeRolePolicyDocument: TRUST });
  await iam.createPolicy({
    policyName: 'batch-all',
    policyDocument: JSON.stringify({
      Version: '1',
      Statement: [{ Effect: 'Allow', Action: ['oss:*'], Resource: ['*'] }],
    }),
  });
  await iam.attachPolicyToRole('batch-all', 'batch');
  await opened.close();
}

function startCli(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    [
      path.join(ROOT, 'bin/ossbatch.js'),
      'server',
      '--port',
      '0',
      '--data-dir',
      dir,
      '--log-level',
      'silent',
      ...(testDb.url ? ['--db', testDb.url] : []),
    ],
    {
      env: {
        ...process.env,
        OSSBATCH_ROOT_ACCESS_KEY_ID: CREDS.accessKeyId,
        OSSBATCH_ROOT_ACCESS_KEY_SECRET: CREDS.secret,
        OSSBATCH_ACCOUNT_ID: ACCOUNT,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
}

const field = (xml: string, name: string): string =>
  new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1] ?? '';

async function describeJob(
  port: number,
  jobId: string,
): Promise<{ status: string; succeeded: number; failed: number; total: number }> {
  const { xml } = await jobRequest(makeClient(port, CREDS), 'DescribeJob', { jobId });
  return {
    status: field(xml, 'Status'),
    succeeded: Number(field(xml, 'NumberOfTasksSucceeded')),
    failed: Number(field(xml, 'NumberOfTasksFailed')),
    total: Number(field(xml, 'TotalNumberOfTasks')),
  };
}

const stop = (child: ChildProcess, signal: NodeJS.Signals): Promise<void> =>
  new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', () => resolve());
    child.kill(signal);
  });

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-crash-'));
  testDb = await openTestDb('crash');
});
afterAll(async () => {
  await testDb?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!built)(`crash safety (kill -9 and restart) [${TEST_BACKEND}]`, () => {
  it('finishes a job after SIGKILL mid-run with exact counts and every task in the report once', async () => {
    await seed();
    const first = await startCli();
    const body = jobXml({
      operation: TAG_OP,
      manifest: { bucket: 'src', object: 'manifest.csv' },
      report: { bucket: 'reports', prefix: 'rep/' },
      roleArn: `acs:ram::${ACCOUNT}:role/batch`,
    });
    const created = await jobRequest(makeClient(first.port, CREDS), 'CreateJob', { body });
    const jobId = field(created.xml, 'JobId');
    expect(jobId).not.toBe('');
    let before = await describeJob(first.port, jobId);
    while (!(before.status === 'Active' && before.succeeded > 0)) {
      expect(['New', 'Preparing', 'Ready', 'Active']).toContain(before.status);
      before = await describeJob(first.port, jobId);
    }
    await stop(first.child, 'SIGKILL');
    expect(before.succeeded).toBeLessThan(N);
    // The kill must have landed mid-run, or this test would not exercise recovery at all.
    const killed = await openDataDir();
    const atKill = await killed.backend.jobs.getJobById(jobId);
    await killed.close();
    expect(atKill?.status).toBe('Active');
    expect(atKill?.succeededTasks).toBeLessThan(N);

    const second = await startCli();
    let after = await describeJob(second.port, jobId);
    const until = Date.now() + 60_000;
    while (after.status !== 'Complete' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      after = await describeJob(second.port, jobId);
    }
    expect(after).toEqual({ status: 'Complete', succeeded: N, failed: 0, total: N });
    await stop(second.child, 'SIGTERM');

    const opened = await openDataDir();
    const { store } = opened;
    const read = async (key: string): Promise<string> => {
      const meta = await store.headObject('reports', key);
      if (!meta) throw new Error(`missing ${key}`);
      const parts: Buffer[] = [];
      for await (const p of store.readObject(meta)) parts.push(p as Buffer);
      return Buffer.concat(parts).toString('utf8');
    };
    const manifest = JSON.parse(await read(`rep/job-${jobId}/manifest.json`)) as {
      Results: { Key: string }[];
    };
    const seen = new Set<string>();
    let rows = 0;
    for (const r of manifest.Results) {
      for (const line of (await read(r.Key)).split('\n')) {
        if (line === '') continue;
        rows++;
        const f = parseCsvLine(line);
        expect(f[3]).toBe('succeeded');
        seen.add(decodeURIComponent(f[1] ?? ''));
      }
    }
    expect(rows).toBe(N);
    expect(seen.size).toBe(N);
    for (const i of [0, 1, N / 2, N - 1]) {
      expect(seen.has(keyOf(i))).toBe(true);
      expect((await store.headObject('src', keyOf(i)))?.tags).toEqual([{ key: 'k', value: 'v' }]);
    }
    expect(await opened.backend.shards.listJobs()).not.toContain(jobId);
    await opened.close();
  }, 120_000);
});
