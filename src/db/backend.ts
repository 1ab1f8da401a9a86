/**
 * The persistence Backend: every port the server needs, built by one factory (the dialect pattern, as
 * Kysely's): `createBackend(config)` picks the adapter from the database URL. Only src/db/ imports a
 * driver. Every port method returns a Promise, even over synchronous better-sqlite3, so the same engine
 * and services run on PostgreSQL unchanged (ARCHITECTURE.md §3, §8).
 */
import type { ChunkRepo } from '../engine/chunk-repo.js';
import type { JobLeaseRepo } from '../engine/job-lease-repo.js';
import type { NodeRegistry } from '../engine/node-registry.js';
import type { ShardStore } from '../engine/shard-store.js';
import type { SessionRepo } from '../console/session-repo.js';
import type { IamAdminStore, IamDirectory } from '../iam/directory.js';
import type { JobRepo } from '../jobs/job-repo.js';
import type { BucketCatalog } from '../store/remote/bucket-catalog.js';
import { DatabaseConfigError } from './database-error.js';
import type { DatabaseUrl } from './database-url.js';
import type { Notifications } from './notifications.js';

export type { ChunkProgress, ChunkRepo, ChunkRow, ChunkShard, CommitResult } from '../engine/chunk-repo.js';
export type { JobLease, JobLeasePurpose, JobLeaseRepo } from '../engine/job-lease-repo.js';
export type { NodeInfo, NodeRegistry, StoreKind } from '../engine/node-registry.js';
export type { ShardRef, ShardSeed, ShardStore, ShardWriter } from '../engine/shard-store.js';
export type { ConsoleSession, SessionRepo } from '../console/session-repo.js';
export type {
  IamAdminStore,
  IamDirectory,
  RootAccount,
  RootAccountEnv,
  StoredAccessKey,
  StoredRole,
} from '../iam/directory.js';
export type { IamAdmin } from '../iam/admin-types.js';
export type { JobRepo } from '../jobs/job-repo.js';
export type {
  BucketCatalog,
  BucketDocument,
  CatalogBucket,
  CatalogInventories,
  InventoryCreated,
} from '../store/remote/bucket-catalog.js';
export type { Notification, NotificationListener, Notifications } from './notifications.js';
export type { DatabaseUrl } from './database-url.js';

/** One line for the server's start-up log. */
export interface StartupNote {
  readonly level: 'warn' | 'info';
  readonly msg: string;
}

/** Database state for GET /-/health. */
export interface BackendHealth {
  readonly ok: boolean;
  /** 'sqlite' | 'postgres' */
  readonly kind: string;
  /** One line when !ok (never a password). */
  readonly error?: string | undefined;
}

export interface Backend {
  readonly kind: 'sqlite' | 'postgres';
  readonly jobs: JobRepo;
  readonly chunks: ChunkRepo;
  /** RAM read side (key, role and policy lookup). */
  readonly iam: IamDirectory;
  /** RAM write side (what `ossbatch ram` does) and the root account. */
  readonly iamAdmin: IamAdminStore;
  readonly shards: ShardStore;
  readonly sessions: SessionRepo;
  readonly nodes: NodeRegistry;
  readonly jobLeases: JobLeaseRepo;
  readonly notifications: Notifications;
  /**
   * The bucket catalog of a remote store (`--store s3+…/oss+…`): owner, ACL, policy, tags, CORS and inventory
   * configurations, shared by every node on this database (guarantees: store/remote/bucket-catalog.ts).
   * The built-in store keeps its own buckets in the data dir and does not use it.
   */
  readonly bucketCatalog: BucketCatalog;
  /**
   * Applies the numbered migrations not yet applied, each in its own transaction. Safe when several
   * processes start at once (SQLite: IMMEDIATE transactions; PostgreSQL: under an advisory lock), so
   * the schema is migrated exactly once.
   */
  migrate(): Promise<void>;
  /** A cheap round trip to the database. */
  health(): Promise<BackendHealth>;
  /** What the server logs at start about this database's set-up (PostgreSQL: how report shards are compressed). */
  startupNotes(): Promise<readonly StartupNote[]>;
  /** Stops pollers/listeners and closes connections. Idempotent. */
  close(): Promise<void>;
}

export interface BackendConfig {
  /** Parsed `--db` / OSSBATCH_DB (database-url.ts); sqlite → `<dataDir>/ossbatch.db`. */
  readonly db: DatabaseUrl;
  readonly dataDir: string;
}

/**
 * `createBackend(…, { existing: true })` on a database no server has set up (no `ossbatch.db` in the data
 * dir; a PostgreSQL database without ossbatch's schema). Nothing was created or written.
 */
export class DatabaseNotSetUpError extends DatabaseConfigError {}

export interface CreateBackendOptions {
  /**
   * Open only a database a server has already set up (`ossbatch ram`), else throw DatabaseNotSetUpError
   * before anything is written: creating one would silently start a second account no server uses.
   */
  readonly existing?: boolean;
}

/** The one factory (server.ts, the `ossbatch ram` CLI, tests and benches all call it). Runs migrate(). */
export async function createBackend(
  config: BackendConfig,
  opts: CreateBackendOptions = {},
): Promise<Backend> {
  if (config.db.kind === 'sqlite') {
    // Loaded on demand, as the PostgreSQL adapter is: commands that need no database never load a driver.
    const { createSqliteBackend, hasSqliteDatabase } = await import('./sqlite/index.js');
    if (opts.existing === true && !hasSqliteDatabase(config.dataDir)) throw new DatabaseNotSetUpError();
    const backend = createSqliteBackend({ dataDir: config.dataDir });
    await backend.migrate();
    return backend;
  }
  return createPostgres(config, opts);
}

/** The PostgreSQL adapter (./postgres/), loaded only when asked for, so an embedded server never loads pg. */
async function createPostgres(config: BackendConfig, opts: CreateBackendOptions): Promise<Backend> {
  const { createPostgresBackend } = await import('./postgres/index.js');
  const backend = await createPostgresBackend(config);
  try {
    if (opts.existing === true && !(await backend.isSetUp())) throw new DatabaseNotSetUpError();
    await backend.migrate();
  } catch (e) {
    await backend.close();
    throw e;
  }
  return backend;
}
