import path from 'node:path';
import type { Registry } from 'prom-client';
import type { Backend } from './db/backend.js';
import { DATABASE_FILE, openSqlite, type SqliteBackend, type SqliteDb } from './db/sqlite/index.js';
import { createWalMetrics } from './db/sqlite/wal-metrics.js';
import type { Clock } from './protocol/clock.js';
import { createBuiltinStore, type DiskFaults } from './store/builtin/index.js';
import type { ObjectStore } from './store/object-store.js';

/**
 * The built-in object store for a backend. It keeps its metadata in the data dir's SQLite file: the
 * embedded backend's own connection, or (with --db postgres://…) a connection of its own to the same
 * file name, closed with the store. Used by startServer and by the harnesses that need a store.
 */
export async function createBuiltinStoreFor(
  backend: Backend,
  opts: {
    dataDir: string;
    clock: Clock;
    region: string;
    restoreDurationMs: number;
    /** Free-space floor for new object bytes (free-space.ts); 0 or absent: off. */
    minFreeBytes?: number;
    /** Test seam only (store/builtin/disk-faults.ts): a simulated full disk. */
    diskFaults?: DiskFaults;
    /** false: WAL checkpoints inline only (BuiltinStoreOptions.walCheckpointThread). */
    walCheckpointThread?: boolean;
    /** Where the WAL checkpointer's histograms go (db/sqlite/wal-metrics.ts); absent: not measured. */
    metrics?: Registry;
  },
): Promise<{ store: ObjectStore; close(): Promise<void> }> {
  const own: SqliteDb | undefined =
    backend.kind === 'sqlite' ? undefined : openSqlite(path.join(opts.dataDir, DATABASE_FILE));
  const db = own ?? (backend as SqliteBackend).db;
  try {
    const { metrics, walCheckpointThread, ...rest } = opts;
    const store = await createBuiltinStore({
      db,
      ...rest,
      walCheckpointThread:
        walCheckpointThread === false ? false : metrics ? { observer: createWalMetrics(metrics) } : true,
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
