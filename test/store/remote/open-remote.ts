import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../../../src/config.js';
import { createSqliteBucketCatalog } from '../../../src/db/sqlite/bucket-catalog.js';
import { openSqlite } from '../../../src/db/sqlite/index.js';
import { ManualClock } from '../../../src/protocol/clock.js';
import { openRemoteStore, remoteEndpoint, type RemoteStore } from '../../../src/store/remote/index.js';
import type { RetryPolicy } from '../../../src/store/remote/retry.js';
import { OWNER } from '../contract/harness.js';
import { frontConfig } from './remote-harness.js';

/** A RemoteStore on `store` with a throwaway catalog; `close` removes everything. */
export async function openRemote(
  store: string,
  opts: { retry?: RetryPolicy; config?: Partial<Config> } = {},
): Promise<{ store: RemoteStore; close(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-wire-'));
  const config = frontConfig(dir, store, opts.config);
  const db = openSqlite(path.join(dir, 'catalog.db'));
  const s = await openRemoteStore(config, remoteEndpoint(config)!, {
    catalog: createSqliteBucketCatalog(db),
    clock: new ManualClock(Date.now()),
    rootAccountId: () => Promise.resolve(OWNER),
    retry: opts.retry ?? { attempts: 6, baseMs: 1, capMs: 4 },
  });
  return {
    store: s,
    async close() {
      await s.close();
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
