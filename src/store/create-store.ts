import type pino from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../config.js';
import { createSqliteBucketCatalog } from '../db/sqlite-bucket-catalog.js';
import type { SqliteDb } from '../db/sqlite.js';
import type { Clock } from '../protocol/clock.js';
import { createBuiltinStore } from './builtin/index.js';
import type { ObjectStore } from './object-store.js';
import { openRemoteStore, remoteEndpoint } from './remote/index.js';

/**
 * The store the config names (`--store`): the built-in one, or a remote S3/OSS store whose bucket catalog
 * lives in the database. `rootAccountId` owns buckets found in the remote store.
 */
export async function createStore(
  config: Config,
  db: SqliteDb,
  clock: Clock,
  rootAccountId: () => string,
  observe: { logger?: pino.Logger; metrics?: Registry } = {},
): Promise<ObjectStore> {
  const ep = remoteEndpoint(config);
  if (ep === undefined) {
    return createBuiltinStore({
      db,
      dataDir: config.dataDir,
      clock,
      region: config.region,
      restoreDurationMs: config.restoreDurationMs,
    });
  }
  return openRemoteStore(config, ep, {
    catalog: createSqliteBucketCatalog(db),
    clock,
    rootAccountId,
    ...observe,
  });
}
