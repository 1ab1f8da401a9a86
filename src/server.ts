import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { Registry } from 'prom-client';
import type { Config } from './config.js';
import { createSqliteJobRepo } from './db/sqlite-job-repo.js';
import { acquireDataDirLock } from './db/data-dir-lock.js';
import { openSqlite, type SqliteDb } from './db/sqlite.js';
import { buildApp } from './http/app.js';
import { BucketCache } from './http/bucket-cache.js';
import type { HttpDeps, JobsApiPort } from './http/context.js';
import { createHttpMetrics } from './http/metrics.js';
import {
  createSqliteIam,
  ensureRootAccount,
  storedAccountId,
  validateBucketPolicy,
  type IamAdmin,
} from './iam/index.js';
import type { Iam } from './iam/types.js';
import type { JobRepo } from './jobs/job-repo.js';
import { createJobsApi } from './jobs/api/index.js';
import { systemClock, type Clock } from './protocol/clock.js';
import { createBuiltinStore } from './store/builtin/index.js';
import { InventoryScheduler } from './inventory/scheduler.js';
import type { ObjectStore } from './store/object-store.js';
import { createEngine, type Engine } from './engine/index.js';

export interface RootIdentity {
  readonly accountId: string;
  readonly accessKeyId: string;
  readonly secret: string;
}

export interface RunningServer {
  /** `http://HOST:PORT` with the actual port (also when configured as 0). */
  readonly url: string;
  readonly port: number;
  readonly root: RootIdentity;
  /** True when this start generated the root key (print it once). */
  readonly rootGenerated: boolean;
  readonly config: Config;
  readonly db: SqliteDb;
  readonly store: ObjectStore;
  readonly iam: Iam & IamAdmin;
  readonly repo: JobRepo;
  readonly engine: Engine;
  readonly registry: Registry;
  readonly clock: Clock;
  readonly logger: pino.Logger;
  /** Stops accepting, finishes in-flight requests, stops the engine, closes the database. Idempotent. */
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  logger?: pino.Logger;
  /**
   * Fallback for the root identity when the config carries none: OSSBATCH_ROOT_ACCESS_KEY_ID,
   * OSSBATCH_ROOT_ACCESS_KEY_SECRET, OSSBATCH_ACCOUNT_ID. The CLI already folds these into the config.
   */
  env?: NodeJS.ProcessEnv;
}

/** A start-up refusal caused by configuration that contradicts the data directory (the CLI exits 2). */
export class ConfigConflictError extends Error {
  override readonly name = 'ConfigConflictError';
}

/**
 * OSSBATCH_ACCOUNT_ID may name the account of a new data directory, but re-keying one whose account already
 * owns buckets or jobs would orphan them (they stay owned by the old id: listed nowhere, AccessDenied).
 */
async function refuseAccountChange(
  db: SqliteDb,
  wanted: string | undefined,
  store: ObjectStore,
  repo: JobRepo,
): Promise<void> {
  const stored = storedAccountId(db);
  if (wanted === undefined || stored === undefined || stored === wanted) return;
  const buckets = (await store.listBuckets(stored)).length;
  const jobs = repo.listJobs({ accountId: stored, limit: 1 }).length;
  if (buckets + jobs === 0) return;
  throw new ConfigConflictError(
    `OSSBATCH_ACCOUNT_ID=${wanted} but the data directory belongs to account ${stored}, which owns ` +
      `${buckets > 0 ? 'buckets' : 'jobs'}; unset it or use another --data-dir`,
  );
}

/** The composition root: builds every adapter once and wires them (ARCHITECTURE.md §3). */
export async function startServer(config: Config, opts: StartOptions = {}): Promise<RunningServer> {
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? pino({ level: config.logLevel, name: 'ossbatch' });
  fs.mkdirSync(config.dataDir, { recursive: true });
  const lock = acquireDataDirLock(config.dataDir);
  let db: SqliteDb;
  try {
    db = openSqlite(path.join(config.dataDir, 'ossbatch.db'));
  } catch (e) {
    lock.release();
    throw e;
  }
  const cleanup: (() => Promise<void> | void)[] = [
    () => {
      db.close();
      lock.release();
    },
  ];
  try {
    const store = await createBuiltinStore({
      db,
      dataDir: config.dataDir,
      clock,
      region: config.region,
      restoreDurationMs: config.restoreDurationMs,
    });
    cleanup.unshift(() => store.close());
    const repo = createSqliteJobRepo(db);
    await refuseAccountChange(db, config.accountId, store, repo);
    const root = ensureRootAccount(
      db,
      {
        accessKeyId: config.rootAccessKeyId,
        secret: config.rootAccessKeySecret,
        accountId: config.accountId,
      },
      clock,
    );
    const iam = createSqliteIam(db, { accountId: root.accountId, region: config.region, clock });
    const registry = new Registry();
    const engine: Engine = createEngine({
      db,
      repo,
      store,
      iam,
      clock,
      config,
      logger: logger.child({ component: 'engine' }),
      metrics: registry,
      // We hold the data-dir lock: leases in the database belong to a dead process (see data-dir-lock.ts).
      releaseLeasesOnStart: true,
    });
    cleanup.unshift(() => engine.stop());
    const jobs: JobsApiPort = createJobsApi({
      repo,
      iam,
      store,
      clock,
      region: config.region,
      onChange: (id) => engine.wake(id),
    });
    let ready = false;
    const deps: HttpDeps = {
      store,
      buckets: new BucketCache(store),
      iam,
      jobs,
      clock,
      region: config.region,
      baseDomains: config.baseDomains,
      logger: logger.child({ component: 'http' }),
      metrics: createHttpMetrics(registry),
      validateBucketPolicy: (_bucket, _owner, text) => validateBucketPolicy(text),
      isReady: () => ready,
    };
    const app = buildApp(deps, registry);
    await app.listen({ host: config.host, port: config.port });
    cleanup.unshift(() => app.close());
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.port;
    engine.start();
    const inventories = new InventoryScheduler(
      { store, clock, logger: logger.child({ component: 'inventory' }) },
      config.inventoryCheckMs,
    );
    inventories.start();
    cleanup.unshift(() => inventories.stop());
    ready = true;
    let closing: Promise<void> | undefined;
    const close = (): Promise<void> => {
      ready = false;
      closing ??= runCleanup(cleanup);
      return closing;
    };
    const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
    return {
      url: `http://${hostForUrl}:${port}`,
      port,
      root: { accountId: root.accountId, accessKeyId: root.accessKeyId, secret: root.secret },
      rootGenerated: root.generated,
      config,
      db,
      store,
      iam,
      repo,
      engine,
      registry,
      clock,
      logger,
      close,
    };
  } catch (err) {
    await runCleanup(cleanup);
    throw err;
  }
}

/** Runs shutdown steps in order (HTTP first, the database last), continuing past failures. */
async function runCleanup(steps: readonly (() => Promise<void> | void)[]): Promise<void> {
  let first: Error | undefined;
  for (const step of steps) {
    try {
      await step();
    } catch (err) {
      first ??= err instanceof Error ? err : new Error(String(err));
    }
  }
  if (first !== undefined) throw first;
}
