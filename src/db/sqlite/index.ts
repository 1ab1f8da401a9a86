import path from 'node:path';
import fs from 'node:fs';
import type { Backend } from '../backend.js';
import { createSqliteBucketCatalog } from './bucket-catalog.js';
import { createSqliteChunkRepo } from './chunk-repo.js';
import { createSqliteIamAdminStore } from './iam-admin-store.js';
import { createSqliteIamDirectory } from './iam-directory.js';
import { createSqliteJobLeaseRepo } from './job-lease-repo.js';
import { createSqliteJobRepo } from './job-repo.js';
import { createSqliteNodeRegistry } from './node-registry.js';
import { createSqliteNotifications } from './notifications.js';
import { migrate, openSqlite, type SqliteDb } from './open.js';
import { dataDirError } from './open-errors.js';
import { createSqliteSessionRepo } from './session-repo.js';
import { createFileShardStore } from './shard-store.js';

export { acquireDataDirLock, type DataDirLock } from './data-dir-lock.js';
export { openSqlite, type SqliteDb } from './open.js';

/** The embedded Backend; `db` is also the built-in object store's metadata database (one file, one connection). */
export interface SqliteBackend extends Backend {
  readonly kind: 'sqlite';
  readonly db: SqliteDb;
}

export const DATABASE_FILE = 'ossbatch.db';

/** True when the data dir holds an ossbatch database already (it is never created by asking). */
export function hasSqliteDatabase(dataDir: string): boolean {
  return fs.existsSync(path.join(dataDir, DATABASE_FILE));
}

/** Opens (creating when missing) `<dataDir>/ossbatch.db` and migrates it; every port shares the connection. */
export function createSqliteBackend(opts: { dataDir: string }): SqliteBackend {
  try {
    fs.mkdirSync(opts.dataDir, { recursive: true });
  } catch (e) {
    throw dataDirError(e, opts.dataDir);
  }
  const db = openSqlite(path.join(opts.dataDir, DATABASE_FILE));
  const notifications = createSqliteNotifications(db);
  let closed = false;
  return {
    kind: 'sqlite',
    db,
    jobs: createSqliteJobRepo(db),
    chunks: createSqliteChunkRepo(db),
    iam: createSqliteIamDirectory(db),
    iamAdmin: createSqliteIamAdminStore(db, () => void notifications.publish({ kind: 'iam-changed' })),
    shards: createFileShardStore(opts.dataDir),
    sessions: createSqliteSessionRepo(db),
    nodes: createSqliteNodeRegistry(db),
    jobLeases: createSqliteJobLeaseRepo(db),
    notifications,
    bucketCatalog: createSqliteBucketCatalog(
      db,
      (bucket) => void notifications.publish({ kind: 'bucket-changed', bucket }),
    ),
    migrate: () => Promise.resolve(migrate(db)),
    startupNotes: () => Promise.resolve([]),
    health() {
      try {
        db.prepare('SELECT 1').get();
        return Promise.resolve({ ok: true, kind: 'sqlite' });
      } catch (e) {
        return Promise.resolve({ ok: false, kind: 'sqlite', error: (e as Error).message });
      }
    },
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      notifications.close();
      db.close();
      return Promise.resolve();
    },
  };
}
