import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import os from 'node:os';
import pino from 'pino';
import { Registry } from 'prom-client';
import type { Config } from './config.js';
import { createBackend, type Backend } from './db/backend.js';
import { acquireDataDirLock } from './db/sqlite/index.js';
import { ConfigConflictError, refuseAccountChange } from './account-guard.js';
import { createBuiltinStoreFor } from './builtin-store-for.js';
import { retryJob } from './extensions/job-retry/retry-job.js';
import { buildApp } from './http/app.js';
import { BucketCache } from './http/bucket-cache.js';
import type { HttpDeps, JobsApiPort } from './http/context.js';
import { monitorEventLoop } from './http/event-loop-delay.js';
import { stdoutLogDestination } from './http/log-destination.js';
import { createHttpMetrics } from './http/metrics.js';
import { createIamService, validateBucketPolicy, type IamAdmin } from './iam/index.js';
import type { Iam } from './iam/types.js';
import { createOssJobsCodec } from './jobs/oss-codec/index.js';
import { createJobsService } from './jobs/service/index.js';
import { systemClock, type Clock } from './protocol/clock.js';
import type { DiskFaults } from './store/builtin/index.js';
import { createRemoteStoreFor } from './store/create-store.js';
import { InventoryScheduler } from './inventory/scheduler.js';
import type { ObjectStore } from './store/object-store.js';
import { createEngine, type Engine } from './engine/index.js';
import { forgetStartedNode, storeSharingRefusal } from './engine/single-node-store.js';
import { RateHistory, SAMPLE_MS } from './console/rate-history.js';
import { afterTurnReplies, afterTurnRequests } from './http/request-turn.js';

// Callers (the CLI, test harnesses) import these from the composition root, as before the split.
export { ConfigConflictError } from './account-guard.js';
export { createBuiltinStoreFor } from './builtin-store-for.js';

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
  /**
   * True when this start generated the root key: the caller prints it once. It is generated only after
   * the server listens, so a start that fails never holds a key nobody saw (issue 11).
   */
  readonly rootGenerated: boolean;
  readonly config: Config;
  /** This node's id (owner of its leases, its row in the node registry, shown by /-/health). */
  readonly nodeId: string;
  readonly backend: Backend;
  readonly store: ObjectStore;
  readonly iam: Iam;
  /** RAM management of the hosted account (what `ossbatch ram` does). */
  readonly iamAdmin: IamAdmin;
  readonly engine: Engine;
  /** The node http.Server the API listens on (the cluster bench serves it on a second, delayed port too). */
  readonly httpServer: http.Server;
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
  /**
   * Test seam only: makes the built-in store's disk look full (store/builtin/disk-faults.ts). In-process
   * callers (the test harness) alone can pass it; the CLI never does, and no config or env var sets it.
   */
  diskFaults?: DiskFaults;
}

/** `host:pid:random`: unique per process start, readable in logs and in the node registry. */
const newNodeId = (): string => `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

/**
 * The composition root (ARCHITECTURE.md §3): config -> createBackend -> store -> IAM -> engine -> jobs
 * -> HTTP. The CLI, the test harness and the benches all start servers through it.
 */
export async function startServer(config: Config, opts: StartOptions = {}): Promise<RunningServer> {
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? pino({ level: config.logLevel, name: 'ossbatch' }, stdoutLogDestination());
  const nodeId = newNodeId();
  // The built-in store's files live in the data dir: one server per data dir, whatever the database.
  const lock = acquireDataDirLock(config.dataDir);
  const cleanup: (() => Promise<void> | void)[] = [() => lock.release()];
  try {
    const backend = await createBackend({ db: config.db, dataDir: config.dataDir });
    cleanup.unshift(() => backend.close());
    for (const note of await backend.startupNotes()) logger[note.level](note.msg);
    // Refused before the store opens (embedded SQLite is ours alone: never refused; issue 7 item 6).
    const storeKind = config.store === 'builtin' ? 'builtin' : 'remote';
    const refusal = await storeSharingRefusal(backend, { nodeId, storeKind }, clock.now(), config.leaseMs);
    if (refusal !== undefined) throw new ConfigConflictError(refusal);
    cleanup.unshift(() => forgetStartedNode(backend.nodes, nodeId));
    const registry = new Registry();
    const loopDelay = monitorEventLoop(registry);
    cleanup.unshift(() => loopDelay.stop());
    // --store: a remote S3/OSS store (buckets found there belong to the root account), else the built-in one.
    const opened =
      (await createRemoteStoreFor(
        backend,
        config,
        clock,
        async () => (await backend.iamAdmin.storedAccountId()) ?? '',
        {
          logger: logger.child({ component: 'store' }),
          metrics: registry,
        },
      )) ??
      (await createBuiltinStoreFor(backend, {
        dataDir: config.dataDir,
        clock,
        region: config.region,
        restoreDurationMs: config.restoreDurationMs,
        minFreeBytes: config.minFreeBytes,
        metrics: registry,
        ...(opts.diskFaults ? { diskFaults: opts.diskFaults } : {}),
      }));
    cleanup.unshift(() => opened.close());
    const store = opened.store;
    await refuseAccountChange(backend, config.accountId, store);
    const rootEnv = {
      accessKeyId: config.rootAccessKeyId,
      secret: config.rootAccessKeySecret,
      accountId: config.accountId,
    };
    // Issue 11: a start that fails before it listens (port in use) must not leave behind a root key it
    // generated and never showed. Without credentials in the env only the account id is settled now; the
    // key is generated once the server listens (below), and the caller prints it.
    const accountId = rootEnv.accessKeyId
      ? (await backend.iamAdmin.ensureRootAccount(rootEnv, clock)).accountId
      : (config.accountId ?? (await backend.iamAdmin.ensureAccountId(clock)));
    const iam = createIamService({
      directory: backend.iam,
      accountId,
      notifications: backend.notifications,
    });
    const iamAdmin = backend.iamAdmin.admin(accountId, clock);
    const engine: Engine = createEngine({
      ports: backend,
      store,
      iam,
      clock,
      config,
      logger: logger.child({ component: 'engine' }),
      metrics: registry,
      nodeId,
      storeKind,
      // Embedded only: we hold the data-dir lock and the database is ours alone, so every lease in it
      // belongs to a dead process (see data-dir-lock.ts). Never with a shared PostgreSQL.
      releaseLeasesOnStart: backend.kind === 'sqlite',
      // The built-in store's batches block the loop: the next one waits for a waiting request's reply.
      beforeBatch: storeKind === 'builtin' ? afterTurnReplies : afterTurnRequests,
    });
    cleanup.unshift(() => engine.stop());
    const jobsService = createJobsService({
      repo: backend.jobs,
      iam,
      store,
      clock,
      region: config.region,
      onChange: (jobId) => void backend.notifications.publish({ kind: 'job-changed', jobId }),
      notice: (id) => engine.notice(id),
    });
    const jobs: JobsApiPort = createOssJobsCodec(jobsService, clock);
    let ready = false;
    const rateHistory = new RateHistory();
    const buckets = new BucketCache(store, config.bucketCacheMs);
    // A bucket changed through another node (ACL, policy, DeleteBucket: PostgreSQL NOTIFY from the catalog's
    // trigger) leaves this node's cache at once, not after the cache's TTL (bucketCacheMs, 1 s), which stays
    // the bound when a notification is lost (issue 8: honoured by every node within 1 s).
    cleanup.unshift(
      backend.notifications.subscribe((n) => {
        if (n.kind === 'bucket-changed') buckets.invalidate(n.bucket);
      }),
    );
    const deps: HttpDeps = {
      store,
      buckets,
      iam,
      jobs,
      jobsService,
      clock,
      region: config.region,
      baseDomains: config.baseDomains,
      logger: logger.child({ component: 'http' }),
      metrics: createHttpMetrics(registry),
      validateBucketPolicy: (_bucket, _owner, text) => validateBucketPolicy(text),
      isReady: () => ready,
      bodyTimeouts: {
        idleMs: config.bodyIdleTimeoutMs,
        totalMs: config.bodyTimeoutMs,
        minBytesPerSecond: config.bodyMinRate,
        minRateGraceMs: config.bodyMinRateGraceMs,
      },
      jobWriteSignature: config.jobWriteSignature,
      metricsToken: config.metricsToken,
      nodeId,
      databaseHealth: () => backend.health(),
      consoleSessions: backend.sessions,
      rateHistory,
      listRoleArns: async () => (await iamAdmin.listRoles()).map((r) => r.Arn),
      retryJob: (caller, jobId) =>
        retryJob(
          { repo: backend.jobs, chunks: backend.chunks, jobs, store, iam, clock, region: config.region },
          caller,
          jobId,
        ),
    };
    const app = buildApp(deps, registry);
    await app.listen({ host: config.host, port: config.port });
    cleanup.unshift(() => app.close());
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.port;
    await engine.start();
    // The console's task-rate chart samples running jobs' counters (console/rate-history.ts).
    const sampler = setInterval(() => {
      rateHistory
        .sample(backend.jobs, clock)
        .catch((err: unknown) => logger.warn({ err }, 'rate sampling failed'));
    }, SAMPLE_MS);
    sampler.unref();
    cleanup.unshift(() => clearInterval(sampler));
    const inventories = new InventoryScheduler(
      { store, clock, logger: logger.child({ component: 'inventory' }) },
      config.inventoryCheckMs,
    );
    inventories.start();
    cleanup.unshift(() => inventories.stop());
    const root = await backend.iamAdmin.ensureRootAccount(rootEnv, clock);
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
      nodeId,
      backend,
      store,
      iam,
      iamAdmin,
      engine,
      httpServer: app.server,
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
