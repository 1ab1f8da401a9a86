import type pino from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../config.js';
import type { Backend } from '../db/backend.js';
import { moveDataDirCatalog } from '../db/legacy-bucket-catalog.js';
import type { Clock } from '../protocol/clock.js';
import type { ObjectStore } from './object-store.js';
import { remoteEndpoint } from './remote/store-url.js';

export interface RemoteStoreOpened {
  readonly store: ObjectStore;
  close(): Promise<void>;
}

/**
 * A remote S3/OSS store (`--store`), or undefined for `builtin`. Its bucket catalog is the Backend's
 * (`backend.bucketCatalog`): the embedded SQLite database, or with --db postgres://… the shared PostgreSQL
 * one, so every node decides by the same ACLs, policies and CORS rules. On PostgreSQL, catalog rows an
 * older version kept in this data dir's SQLite file are moved in first (legacy-bucket-catalog.ts).
 * `rootAccountId` owns buckets found in the remote store.
 */
export async function createRemoteStoreFor(
  backend: Backend,
  config: Config,
  clock: Clock,
  rootAccountId: () => Promise<string>,
  observe: { logger?: pino.Logger; metrics?: Registry } = {},
): Promise<RemoteStoreOpened | undefined> {
  // The remote drivers (ali-oss, the AWS SDK) load only for a remote store: importing them cost a
  // built-in-store server ~15 MB of RSS and ~7 MB of heap (`import('dist/server.js')`: 90 -> 75 MB RSS).
  const ep = remoteEndpoint(config);
  if (ep === undefined) return undefined;
  const { openRemoteStore } = await import('./remote/index.js');
  const store = await openRemoteStore(config, ep, {
    catalog: backend.bucketCatalog,
    clock,
    rootAccountId,
    ...observe,
  });
  try {
    if (backend.kind === 'postgres') {
      const moved = await moveDataDirCatalog(config.dataDir, backend.bucketCatalog);
      if (moved.length > 0)
        observe.logger?.info({ buckets: moved }, 'bucket catalog moved from the data dir into PostgreSQL');
    }
  } catch (e) {
    await store.close();
    throw e;
  }
  return { store, close: () => store.close() };
}
