import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqlite } from '../../src/db/sqlite/open.js';
import type { SqliteDb } from '../../src/db/sqlite/open.js';
import { ManualClock } from '../../src/protocol/clock.js';
import { createBuiltinStore } from '../../src/store/builtin/index.js';
import type { ObjectStore } from '../../src/store/object-store.js';
import { runObjectStoreContract } from './object-store-contract.js';
import type { StoreHarness } from './object-store-contract.js';

const RESTORE_MS = 2000;

/** A builtin store over a real SQLite file and data directory in a temp dir. */
export async function makeBuiltinHarness(): Promise<StoreHarness> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-'));
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  let db: SqliteDb = openSqlite(path.join(dir, 'meta.db'));
  const open = (): Promise<ObjectStore> =>
    createBuiltinStore({ db, dataDir: dir, clock, region: 'cn-hangzhou', restoreDurationMs: RESTORE_MS });
  const h = {
    store: await open(),
    clock,
    restoreDurationMs: RESTORE_MS,
    async reopen() {
      await h.store.close();
      db.close();
      db = openSqlite(path.join(dir, 'meta.db'));
      h.store = await open();
      return h.store;
    },
    async dispose() {
      await h.store.close();
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}

runObjectStoreContract('builtin (SQLite + files)', makeBuiltinHarness);
