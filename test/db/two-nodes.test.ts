/**
 * Two engines in one process, each with its own PostgreSQL backend (its own pool and LISTEN client) on one
 * database, over one shared built-in object store: they split one job's chunks; then one is cut off from
 * the database abruptly (no lease release), and the other takes its chunks over after the lease TTL and
 * finishes with exact counts and a report that holds every task exactly once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { buildConfig, DEFAULTS, defaultBaseDomains } from '../../src/config.js';
import { createBackend, type Backend } from '../../src/db/backend.js';
import { parseDatabaseUrl } from '../../src/db/database-url.js';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { createIamService } from '../../src/iam/index.js';
import type { JobSpec } from '../../src/jobs/model.js';
import { systemClock } from '../../src/protocol/clock.js';
import { createBuiltinStoreFor } from '../../src/server.js';
import type { ObjectStore } from '../../src/store/object-store.js';
import { createDatabase, dropDatabase, PG_SKIP, pgUrl, uniqueDbName, waitFor } from './backends.js';

const ACCOUNT = '1234567890123456';
const REGION = 'cn-hangzhou';
/** 5 chunks of 12,000 tasks: a chunk runs for more than one 1 s heartbeat, so a node dies with committed progress. */
const TASKS = 60_000;
const CHUNK = 12_000;
const TRUST = JSON.stringify({
  Version: '1',
  Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: ['oss.aliyuncs.com'] } }],
});

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

interface Node {
  readonly backend: Backend;
  readonly engine: Engine;
  /** Chunk index → attempt of every claim this node made. */
  readonly claimed: Map<number, number[]>;
  /** Chunks this node holds now (claimed, not yet done or released). */
  readonly holding: Set<number>;
  /** Chunks this node committed progress on without finishing them (a 'keep' heartbeat commit). */
  readonly kept: Set<number>;
}

async function readText(store: ObjectStore, bucket: string, key: string): Promise<string> {
  const meta = await store.headObject(bucket, key);
  if (!meta) throw new Error(`no object ${bucket}/${key}`);
  const parts: Buffer[] = [];
  for await (const p of store.readObject(meta)) parts.push(p as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

/**
 * The same store seen through a slow link: every batch of writes takes `ms` longer, so node A's chunks span
 * several 1 s heartbeats (it commits progress before it dies) while node B runs at full speed.
 */
function slowed(store: ObjectStore, ms: number): ObjectStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (prop !== 'applyBatch' || typeof value !== 'function') return value;
      return async (...args: unknown[]): Promise<unknown> => {
        await new Promise((r) => setTimeout(r, ms));
        return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
      };
    },
  });
}

const title = PG_SKIP ? `two nodes on one PostgreSQL (skipped: ${PG_SKIP})` : 'two nodes on one PostgreSQL';

describe.skipIf(PG_SKIP !== undefined)(title, () => {
  it(
    'split one job; after one node is cut off, the other finishes it with exact counts and report',
    { timeout: 180_000 },
    async () => {
      const name = uniqueDbName('two_nodes');
      await createDatabase(name);
      cleanups.push(() => dropDatabase(name));
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-two-'));
      cleanups.push(() => fs.promises.rm(dir, { recursive: true, force: true }));
      const config = buildConfig({
        ...DEFAULTS,
        dataDir: dir,
        db: pgUrl(name),
        baseDomains: defaultBaseDomains(REGION),
        logLevel: 'silent',
        chunkSize: CHUNK,
        workers: 2,
        leaseMs: 1500,
      });
      const open = async (): Promise<Backend> => {
        const b = await createBackend({ db: parseDatabaseUrl(pgUrl(name)), dataDir: dir });
        cleanups.push(() => b.close());
        return b;
      };
      const first = await open();
      const builtin = await createBuiltinStoreFor(first, {
        dataDir: dir,
        clock: systemClock,
        region: REGION,
        restoreDurationMs: 60_000,
      });
      cleanups.push(() => builtin.close());
      const store = builtin.store;
      const admin = first.iamAdmin.admin(ACCOUNT, systemClock);
      await admin.createRole({ roleName: 'batch', assumeRolePolicyDocument: TRUST });
      await admin.createPolicy({
        policyName: 'batch-all',
        policyDocument: JSON.stringify({
          Version: '1',
          Statement: [{ Effect: 'Allow', Action: ['oss:*'], Resource: ['*'] }],
        }),
      });
      await admin.attachPolicyToRole('batch-all', 'batch');
      for (const bucket of ['src', 'reports'])
        await store.createBucket({ name: bucket, owner: ACCOUNT, acl: 'private', storageClass: 'Standard' });
      const keys = Array.from({ length: TASKS }, (_, i) => `obj/${String(i).padStart(5, '0')}`);
      await store.seedObjects(
        'src',
        keys.map((key) => ({ key })),
      );
      await store.putObject({ bucket: 'reports', key: 'keep', body: Readable.from([Buffer.from('x')]) });

      const startNode = async (nodeId: string, backend: Backend, nodeStore: ObjectStore): Promise<Node> => {
        const iam = createIamService({
          directory: backend.iam,
          accountId: ACCOUNT,
          notifications: backend.notifications,
        });
        const engine = createEngine({
          ports: backend,
          store: nodeStore,
          iam,
          clock: systemClock,
          config,
          logger: pino({ level: 'silent' }),
          metrics: new Registry(),
          nodeId,
          storeKind: 'builtin',
        });
        const claimed = new Map<number, number[]>();
        const holding = new Set<number>();
        engine.events.on('chunk-claimed', (e) => {
          claimed.set(e.chunkIndex, [...(claimed.get(e.chunkIndex) ?? []), e.attempt]);
          holding.add(e.chunkIndex);
        });
        const kept = new Set<number>();
        engine.events.on('chunk-committed', (e) => {
          if (e.next !== 'keep') holding.delete(e.chunkIndex);
          else if (e.cursor > 0) kept.add(e.chunkIndex);
        });
        engine.events.on('chunk-released', (e) => holding.delete(e.chunkIndex));
        backend.notifications.subscribe((n) => {
          if (n.kind === 'job-changed') engine.wake(n.jobId);
        });
        await engine.start();
        return { backend, engine, claimed, holding, kept };
      };
      const a = await startNode('node-a', first, slowed(store, 200));
      const b = await startNode('node-b', await open(), store);
      cleanups.push(() => b.engine.stop());
      // Node A's engine outlives its database connection; stop its timers (it can release nothing).
      cleanups.push(() => Promise.race([a.engine.stop(), new Promise<void>((r) => setTimeout(r, 2000))]));

      const spec: JobSpec = {
        confirmationRequired: false,
        operation: { kind: 'PutObjectTagging', tags: [{ key: 'k', value: 'v' }] },
        report: { enabled: true, bucket: 'reports', prefix: 'r/', scope: 'AllTasks' },
        keyPrefix: { sourceBucket: 'src', prefix: 'obj/' },
        description: 'two nodes',
        priority: 5,
        roleArn: `acs:ram::${ACCOUNT}:role/batch`,
      };
      const { job } = await b.backend.jobs.createJob({
        jobId: 'two-node-job',
        accountId: ACCOUNT,
        spec,
        requestHash: 'h',
        now: Date.now(),
      });
      await b.backend.notifications.publish({ kind: 'job-changed', jobId: job.jobId });

      // Node A dies holding a chunk it has committed progress on: node B must resume it from that cursor,
      // seeding its report shard from A's committed prefix.
      const orphaned = await waitFor(
        'node A to commit progress on a chunk it still holds',
        () => {
          const held = [...a.holding].filter((c) => a.kept.has(c));
          return held.length > 0 ? held : undefined;
        },
        60_000,
      );
      await a.backend.close(); // abrupt: no lease release, and none of its commits can land any more

      const done = await waitFor(
        'the job to complete on node B',
        async () => {
          const j = await b.backend.jobs.getJobById(job.jobId);
          return j && ['Complete', 'Failed', 'Cancelled'].includes(j.status) ? j : undefined;
        },
        120_000,
      );
      expect(b.claimed.size).toBeGreaterThan(0);
      expect(done).toMatchObject({
        status: 'Complete',
        totalTasks: TASKS,
        succeededTasks: TASKS,
        failedTasks: 0,
      });

      const manifest = JSON.parse(await readText(store, 'reports', `r/job-${job.jobId}/manifest.json`)) as {
        Results: { Key: string }[];
      };
      const reported: string[] = [];
      for (const r of manifest.Results)
        for (const line of (await readText(store, 'reports', r.Key)).split('\n'))
          if (line !== '') reported.push(line.split(',')[1] ?? '');
      expect(reported).toHaveLength(TASKS);
      expect(new Set(reported).size).toBe(TASKS);
      // Node B took over at least one chunk node A was holding, with a later attempt (after the lease TTL).
      const takenOver = orphaned.filter((c) =>
        (b.claimed.get(c) ?? []).some((att) => att > Math.max(...(a.claimed.get(c) ?? [0]))),
      );
      expect(takenOver.length).toBeGreaterThan(0);
      for (const key of [keys[0]!, keys[TASKS - 1]!])
        expect((await store.headObject('src', key))?.tags).toEqual([{ key: 'k', value: 'v' }]);
    },
  );
});
