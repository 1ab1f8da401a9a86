/**
 * Two nodes on one PostgreSQL database, in one process: node A serves the job API (its engine does not
 * run), node B runs the engine; each has its own Backend (pool + LISTEN connection) over one shared
 * built-in store. Issue 7: a new job, a priority change and a cancel made on A reach B within 1 s; a RAM
 * change made on A is seen by B within 1 s; a console session signed in on one node works on another.
 * Job changes reach B through NOTIFY (engine wake-up), B's 250 ms tick and priority read at claim time;
 * the RAM test turns B's change-token polling off, so only NOTIFY can make the deadline. The 1 s is the
 * issue's guarantee, used as the deadline of a wait on B's engine events.
 */
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../src/db/backend.js';
import { createEngine, type Engine, type EngineEventMap } from '../../src/engine/index.js';
import { createIamService, type Iam } from '../../src/iam/index.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { httpSignIn } from '../console/console-env.js';
import { PG_SKIP, waitFor } from '../db/backends.js';
import { cleanEnv, ensureBuilt, spawnServer, stopServer } from '../helpers/server-process.js';
import { openTestDb } from '../helpers/test-backend.js';
import { ACCOUNT, createHarness, TAG_OP, type Harness } from '../engine/harness.js';

const WITHIN_MS = 1000;
const title = PG_SKIP ? `two nodes on PostgreSQL (skipped: ${PG_SKIP})` : 'two nodes on PostgreSQL';

describe.skipIf(PG_SKIP !== undefined)(title, () => {
  let a: Harness;
  let b: { backend: Backend; engine: Engine; iam: Iam };
  beforeAll(async () => {
    a = await createHarness({ backend: 'postgres', start: false, chunkSize: 500, workers: 1 });
    const backend = await createBackend({ db: a.config.db, dataDir: a.dir });
    const iam = createIamService({
      directory: backend.iam,
      accountId: ACCOUNT,
      notifications: backend.notifications,
      // No change-token polling backstop (200 ms by default): only the notification can reach B in time.
      recheckMs: 60_000,
    });
    const engine = createEngine({
      ports: backend,
      store: a.store,
      iam,
      clock: a.clock,
      config: a.config,
      logger: pino({ level: 'silent' }),
      metrics: new Registry(),
      nodeId: 'node-b',
      storeKind: 'builtin',
    });
    b = { backend, engine, iam };
    await engine.start();
  });
  afterAll(async () => {
    await b?.engine.stop();
    await b?.backend.close();
    await a?.close();
  });

  const N = 200_000;
  let roleArn: Promise<string> | undefined;
  /** A role and a manifest of N seeded objects (src/m.csv), made once for the file. */
  const bigManifest = (): Promise<string> =>
    (roleArn ??= (async () => {
      const role = await a.role('cross-role');
      await a.bucket('src');
      const keys = Array.from({ length: N }, (_, i) => `k/${String(i).padStart(6, '0')}`);
      await a.seed(
        'src',
        keys.map((key) => ({ key })),
      );
      await a.putText('src', 'm.csv', keys.map((k) => `src,${k}\n`).join(''));
      return role;
    })());
  const bigJob = async (priority = 10): Promise<string> =>
    a.createJob({
      operation: TAG_OP,
      manifest: { bucket: 'src', object: 'm.csv' },
      roleArn: await bigManifest(),
      priority,
    });

  it('a new job made on node A is planned by node B within 1 s', async () => {
    const role = await bigManifest();
    await a.putText('src', 'small.csv', 'src,k/000000\n');
    const planned: { jobId: string; at: number }[] = [];
    b.engine.events.on('planning-done', (e) => void planned.push({ jobId: e.jobId, at: performance.now() }));
    const sent = performance.now();
    const jobId = await a.createJob({
      operation: TAG_OP,
      manifest: { bucket: 'src', object: 'small.csv' },
      roleArn: role,
    });
    const seen = await waitFor(
      'node B to plan the job',
      () => planned.find((p) => p.jobId === jobId),
      20_000,
    );
    expect(seen.at - sent).toBeLessThanOrEqual(WITHIN_MS);
    expect((await a.waitFor(jobId, ['Complete'])).succeededTasks).toBe(1);
  });

  it('a priority raised on node A decides node B’s next chunk claim within 1 s', async () => {
    const claims: { jobId: string; at: number }[] = [];
    b.engine.events.on('chunk-claimed', (e) => void claims.push({ jobId: e.jobId, at: performance.now() }));
    const older = await bigJob(5);
    await waitFor('node B working on the older job', () => claims.find((c) => c.jobId === older));
    const newer = await bigJob(5);
    await a.waitFor(newer, ['Active']);
    // Equal priority: claims go to the older job (priority, then creation time).
    expect(claims.filter((c) => c.jobId === newer)).toEqual([]);
    const sent = performance.now();
    await a.updatePriority(newer, 100);
    const first = await waitFor(
      'node B to claim the raised job',
      () => claims.find((c) => c.jobId === newer),
      WITHIN_MS,
    );
    expect(first.at - sent).toBeLessThanOrEqual(WITHIN_MS);
    // Clean-up: on a loaded machine the older job may have run all its tasks by now (Complete refuses a cancel).
    for (const id of [older, newer]) {
      await a.updateStatus(id, 'Cancelled').catch(() => undefined);
      await a.waitFor(id, ['Cancelled', 'Complete']);
    }
  });

  it('a cancel made on node A stops node B’s work on the job within 1 s', async () => {
    await bigManifest();
    const committed: string[] = [];
    b.engine.events.on('chunk-committed', (e) => void committed.push(e.jobId));
    const jobId = await bigJob();
    await waitFor('node B to run the job', () => committed.find((id) => id === jobId), 20_000);
    const reacted: { at: number; what: string }[] = [];
    const note =
      (what: string) =>
      (e: EngineEventMap['chunk-released'] | EngineEventMap['settling-done']): void => {
        if (e.jobId === jobId) reacted.push({ at: performance.now(), what });
      };
    b.engine.events.on('chunk-released', note('chunk released'));
    b.engine.events.on('settling-done', note('settled'));
    const sent = performance.now();
    await a.updateStatus(jobId, 'Cancelled', 'cross-node');
    const first = await waitFor('node B to stop the job', () => reacted[0], WITHIN_MS);
    expect(first.at - sent).toBeLessThanOrEqual(WITHIN_MS);
    const job = await a.waitFor(jobId, ['Cancelled'], 20_000);
    expect(job.succeededTasks).toBeLessThan(N);
  });

  it('a key created on node A authenticates on node B within 1 s, and stops within 1 s once deleted', async () => {
    await a.iamAdmin.createUser({ userName: 'crossnode' });
    // B's IAM has answered before (its change token is read; its caches are warm).
    expect(await b.iam.findAccessKey('LTAIdoesnotexist0000')).toBeUndefined();
    const key = await a.iamAdmin.createAccessKey('crossnode');
    await waitFor('node B to see the new key', () => b.iam.findAccessKey(key.AccessKeyId), WITHIN_MS);
    await a.iamAdmin.deleteAccessKey('crossnode', key.AccessKeyId);
    await waitFor(
      'node B to forget the deleted key',
      async () => ((await b.iam.findAccessKey(key.AccessKeyId)) === undefined ? true : undefined),
      WITHIN_MS,
    );
  });
});

describe.skipIf(PG_SKIP !== undefined)(`${title}: console sessions`, () => {
  it('a console session signed in on one node works on another node of the database', async () => {
    // Two built-in-store nodes cannot share a database at once (single-node-store.ts): the second node
    // starts once the first stopped, in another data dir, with another node id.
    ensureBuilt();
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-xnode-'));
    const db = await openTestDb('console_xnode', 'postgres');
    const env = cleanEnv({
      OSSBATCH_ROOT_ACCESS_KEY_ID: 'LTAIxnodeconsole0001',
      OSSBATCH_ROOT_ACCESS_KEY_SECRET: 'xnode-console-secret-0123456789',
    });
    const node = (name: string) =>
      spawnServer(['--data-dir', path.join(tmp, name), '--db', db.url ?? ''], env);
    try {
      const first = node('first');
      const { url: firstUrl } = await first.listening;
      const session = await httpSignIn(firstUrl, 'LTAIxnodeconsole0001', 'xnode-console-secret-0123456789');
      expect(session.csrf).not.toBe('');
      await stopServer(first);
      const second = node('second');
      const { url } = await second.listening;
      try {
        const page = await fetch(`${url}/-/console/jobs`, {
          headers: { cookie: session.cookie },
          redirect: 'manual',
        });
        expect(page.status).toBe(200);
        expect(await page.text()).toContain(`name="csrf" value="${session.csrf}"`);
        const stranger = await fetch(`${url}/-/console/jobs`, { redirect: 'manual' });
        expect(stranger.status).toBe(303);
      } finally {
        await stopServer(second);
      }
    } finally {
      await db.drop();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
