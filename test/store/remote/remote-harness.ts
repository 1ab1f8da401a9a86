import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULTS, buildConfig, defaultBaseDomains, type Config } from '../../../src/config.js';
import { createSqliteBucketCatalog } from '../../../src/db/sqlite/bucket-catalog.js';
import { openSqlite, type SqliteDb } from '../../../src/db/sqlite/index.js';
import { ManualClock } from '../../../src/protocol/clock.js';
import { openRemoteStore, remoteEndpoint, type RemoteStore } from '../../../src/store/remote/index.js';
import type { RetryPolicy } from '../../../src/store/remote/retry.js';
import { OWNER, type StoreHarness } from '../contract/harness.js';

/** Store credentials every remote test uses (the backing store's root key). */
export const STORE_KEY = { id: 'LTAIstorekey0000001', secret: 'store-secret-0000000000000000000001' };

/** A front config naming the remote store (the front's own data dir holds the bucket catalog). */
export function frontConfig(dir: string, store: string, extra: Partial<Config> = {}): Config {
  return buildConfig({
    ...DEFAULTS,
    host: '127.0.0.1',
    port: 0,
    dataDir: dir,
    logLevel: 'silent',
    baseDomains: defaultBaseDomains(DEFAULTS.region),
    store,
    storeAccessKeyId: STORE_KEY.id,
    storeAccessKeySecret: STORE_KEY.secret,
    ...extra,
  });
}

export interface RemoteStoreParts {
  readonly store: string;
  /** Fast retries for tests: the policy is the adapter's, only the pauses shrink. */
  readonly retry?: RetryPolicy;
  readonly multipartThreshold?: number;
  readonly partSize?: number;
  readonly config?: Partial<Config>;
}

/**
 * A RemoteStore over a backing store at `parts.store`, with its catalog in a temp SQLite file, as a contract
 * harness. `stopRemote` is called on dispose (the backing store's own cleanup).
 */
export async function makeRemoteHarness(
  parts: RemoteStoreParts,
  clock: ManualClock,
  restoreDurationMs: number,
  stopRemote: () => Promise<void>,
): Promise<StoreHarness & { store: RemoteStore }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-front-'));
  const config = frontConfig(dir, parts.store, parts.config);
  const ep = remoteEndpoint(config);
  if (ep === undefined) throw new Error('not a remote store');
  let db: SqliteDb = openSqlite(path.join(dir, 'catalog.db'));
  const open = (): Promise<RemoteStore> =>
    openRemoteStore(config, ep, {
      catalog: createSqliteBucketCatalog(db),
      clock,
      rootAccountId: () => Promise.resolve(OWNER),
      retry: parts.retry ?? { attempts: 4, baseMs: 5, capMs: 20 },
      ...(parts.multipartThreshold === undefined ? {} : { multipartThreshold: parts.multipartThreshold }),
      ...(parts.partSize === undefined ? {} : { partSize: parts.partSize }),
    });
  const h = {
    store: await open(),
    clock,
    restoreDurationMs,
    async reopen() {
      await h.store.close();
      db.close();
      db = openSqlite(path.join(dir, 'catalog.db'));
      h.store = await open();
      return h.store;
    },
    async dispose() {
      await h.store.close();
      db.close();
      await stopRemote();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}
