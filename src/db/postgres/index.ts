import type { Backend, BackendConfig, BackendHealth } from '../backend.js';
import { createPgBucketCatalog } from './bucket-catalog.js';
import { createPgChunkRepo } from './chunk-repo.js';
import { createPgIamAdminStore } from './iam-admin-store.js';
import { createPgIamDirectory } from './iam-directory.js';
import { createPgJobLeaseRepo } from './job-lease-repo.js';
import { createPgJobRepo } from './job-repo.js';
import { migratePostgres } from './migrate.js';
import { shardCompressionNotes } from './shard-compression.js';
import { createPgNodeRegistry } from './node-registry.js';
import { createPgNotifications } from './notifications.js';
import { PG_MIGRATIONS } from './migrations/index.js';
import { clientConfig, connectionError, createPool, describeTarget, type PgDatabaseUrl } from './pool.js';
import { createPgSessionRepo } from './session-repo.js';
import { createPgShardStore } from './shard-store.js';

export interface PostgresBackend extends Backend {
  readonly kind: 'postgres';
  /** True when a server has migrated this database (read only: creates and writes nothing). */
  isSetUp(): Promise<boolean>;
}

/**
 * The PostgreSQL Backend: one pg.Pool shared by every port, plus one dedicated LISTEN client for
 * notifications. Connects before returning (so a wrong URL fails start-up with one line naming the problem
 * and host:port/database, never the password); createBackend then runs migrate().
 * `poolSize` overrides the URL's `?pool_size=` (tests).
 */
export async function createPostgresBackend(
  config: BackendConfig,
  opts: { poolSize?: number } = {},
): Promise<PostgresBackend> {
  if (config.db.kind !== 'postgres') throw new Error('createPostgresBackend: not a postgres:// database URL');
  const db: PgDatabaseUrl = config.db;
  const pool = createPool(db, opts.poolSize ?? db.poolSize);
  const notifications = createPgNotifications(pool, clientConfig(db));
  try {
    await pool.query('SELECT 1');
    await notifications.start();
  } catch (e) {
    await notifications.close();
    await pool.end().catch(() => undefined);
    throw connectionError(db, e, true);
  }
  let closed = false;
  return {
    kind: 'postgres',
    jobs: createPgJobRepo(pool),
    chunks: createPgChunkRepo(pool),
    iam: createPgIamDirectory(pool),
    iamAdmin: createPgIamAdminStore(pool),
    shards: createPgShardStore(pool),
    sessions: createPgSessionRepo(pool),
    nodes: createPgNodeRegistry(pool),
    jobLeases: createPgJobLeaseRepo(pool),
    notifications,
    bucketCatalog: createPgBucketCatalog(pool),
    async isSetUp() {
      try {
        const sql = "SELECT to_regclass('schema_migrations') IS NOT NULL AS ok";
        return (await pool.query<{ ok: boolean }>(sql)).rows[0]?.ok === true;
      } catch (e) {
        throw connectionError(db, e);
      }
    },
    async migrate() {
      try {
        await migratePostgres(pool, PG_MIGRATIONS, `PostgreSQL database ${describeTarget(db)}`);
      } catch (e) {
        throw connectionError(db, e);
      }
    },
    startupNotes: () => shardCompressionNotes(pool),
    async health(): Promise<BackendHealth> {
      try {
        await pool.query('SELECT 1');
        return { ok: true, kind: 'postgres' };
      } catch (e) {
        return { ok: false, kind: 'postgres', error: connectionError(db, e).message.split('\n')[0] };
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await notifications.close();
      await pool.end();
    },
  };
}
