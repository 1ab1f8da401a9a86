import fs from 'node:fs';
import path from 'node:path';
import type pino from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../../config.js';
import type { Clock } from '../../protocol/clock.js';
import type { BucketCatalog } from './bucket-catalog.js';
import { OssDriver } from './oss/oss-driver.js';
import type { RemoteDriver } from './remote-driver.js';
import { RemoteStore } from './remote-store.js';
import { DEFAULT_RETRY, type RetryPolicy } from './retry.js';
import { S3Driver } from './s3/s3-driver.js';
import { createStoreMetrics, type StoreMetrics } from './store-metrics.js';
import type { RemoteEndpoint } from './store-url.js';
import { StoreUnavailableError } from './store-unavailable.js';

export type { BucketCatalog, CatalogBucket } from './bucket-catalog.js';
export { RemoteStore, DEFAULT_STORE_CONCURRENCY } from './remote-store.js';
export { RemoteError } from './remote-error.js';
export { parseStoreUrl, remoteEndpoint } from './store-url.js';
export type { RemoteEndpoint } from './store-url.js';

export { StoreUnavailableError } from './store-unavailable.js';

export interface RemoteStoreDeps {
  readonly catalog: BucketCatalog;
  readonly clock: Clock;
  readonly rootAccountId: () => Promise<string>;
  readonly retry?: RetryPolicy;
  /** The store's child logger: retries at debug, the start-up line at info. */
  readonly logger?: pino.Logger;
  /** Where the store's metrics register (ossbatch_store_*). */
  readonly metrics?: Registry;
  readonly multipartThreshold?: number;
  readonly partSize?: number;
}

export function createDriver(ep: RemoteEndpoint): RemoteDriver {
  return ep.kind === 's3' ? new S3Driver(ep) : new OssDriver(ep);
}

/**
 * Builds the remote store and proves it usable: the store must answer a bucket listing with the configured
 * credentials, else StoreUnavailableError with one line naming the problem (issue 8: exit 2 at start).
 */
export async function openRemoteStore(
  config: Config,
  ep: RemoteEndpoint,
  deps: RemoteStoreDeps,
): Promise<RemoteStore> {
  const driver = createDriver(ep);
  try {
    await driver.listBuckets();
  } catch (e) {
    await driver.close();
    const why = e instanceof Error ? e.message : String(e);
    throw new StoreUnavailableError(`cannot use the ${ep.kind} store at ${ep.url}: ${why}`);
  }
  // Spooled bodies of a process that died mid-upload (the data dir is this process's alone: data-dir-lock.ts).
  const tmpDir = path.join(config.dataDir, 'tmp', 'remote-spool');
  fs.rmSync(tmpDir, { recursive: true, force: true });
  const log = deps.logger;
  log?.info({ store: ep.kind, url: ep.url, concurrency: config.storeConcurrency }, 'remote store reachable');
  let metrics: StoreMetrics | undefined;
  const policy = deps.retry ?? DEFAULT_RETRY;
  const retry: RetryPolicy = {
    ...policy,
    // Backoff pauses run on the injected Clock's timers (ARCHITECTURE.md §3), like the engine's.
    sleep: policy.sleep ?? ((ms) => deps.clock.sleep(ms)),
    onRetry: (err, attempt, pauseMs) => {
      policy.onRetry?.(err, attempt, pauseMs);
      metrics?.retried((err as { code?: string }).code ?? 'unknown');
      log?.debug(
        { attempt, pauseMs: Math.round(pauseMs), err: (err as Error).message },
        'store call retried',
      );
    },
  };
  const store = new RemoteStore({
    driver,
    retry,
    catalog: deps.catalog,
    clock: deps.clock,
    region: config.region,
    tmpDir,
    concurrency: config.storeConcurrency,
    rootAccountId: deps.rootAccountId,
    ...(deps.multipartThreshold === undefined ? {} : { multipartThreshold: deps.multipartThreshold }),
    ...(deps.partSize === undefined ? {} : { partSize: deps.partSize }),
  });
  if (deps.metrics !== undefined) metrics = createStoreMetrics(deps.metrics, () => store.pending);
  return store;
}
