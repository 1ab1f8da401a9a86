import path from 'node:path';
import type pino from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../config.js';
import type { Backend } from '../db/backend.js';
import { createSqliteBucketCatalog } from '../db/sqlite-bucket-catalog.js';
import { DATABASE_FILE, openSqlite, type SqliteBackend, type SqliteDb } from '../db/sqlite/index.js';
import type { Clock } from '../protocol/clock.js';
import type { ObjectStore } from './object-store.js';
import { openRemoteStore, remoteEndpoint } from './remote/index.js';

export interface RemoteStoreOpened {
  readonly store: ObjectStore;
  close(): Promise<void>;
}

/**
 * A remote S3/OSS store (`--store`), or undefined for `builtin`. Its bucket catalog is the SQLite catalog
 * (migration 011) in the data dir: the embedded backend's own connection, or (with --db postgres://…) a
 * connection of its own to the same file, as for the built-in store. `rootAccountId` owns buckets found in
 * the remote store.
 */
export async function createRemoteStoreFor(
  backend: Backend,
  config: Config,
  clock: Clock,
  rootAccountId: () => Promise<string>,
  observe: { logger?: pino.Logger; metrics?: Registry } = {},
): Promise<RemoteStoreOpened | undefined> {
  const ep = remoteEndpoint(config);
  if (ep === undefined) return undefined;
  const own: SqliteDb | undefined =
    backend.kind === 'sqlite' ? undefined : openSqlite(path.join(config.dataDir, DATABASE_FILE));
  const db = own ?? (backend as SqliteBackend).db;
  try {
    const store = await openRemoteStore(config, ep, {
      catalog: createSqliteBucketCatalog(db),
      clock,
      rootAccountId,
      ...observe,
    });
    return {
      store,
      async close() {
        await store.close();
        own?.close();
      },
    };
  } catch (e) {
    own?.close();
    throw e;
  }
}
