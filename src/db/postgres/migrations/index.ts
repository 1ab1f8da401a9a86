import { PG_IAM_SCHEMA } from './001-iam.js';
import { PG_JOBS_SCHEMA } from './002-jobs.js';
import { PG_CLUSTER_SCHEMA } from './003-cluster.js';
import { PG_BUCKETS_SCHEMA } from './004-buckets.js';
import { PG_JOBS_SUSPENDED_SCHEMA } from './005-jobs-suspended.js';
import { PG_SHARD_LZ4_SCHEMA } from './006-shard-lz4.js';

export interface PgMigration {
  readonly id: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * PostgreSQL's own numbered migrations (its numbering is independent of SQLite's: the built-in object store
 * stays in SQLite, so its tables are not here). Landed ones are never edited: add a new number instead.
 */
export const PG_MIGRATIONS: readonly PgMigration[] = [
  { id: 1, name: 'iam', sql: PG_IAM_SCHEMA },
  { id: 2, name: 'jobs', sql: PG_JOBS_SCHEMA },
  { id: 3, name: 'cluster', sql: PG_CLUSTER_SCHEMA },
  { id: 4, name: 'buckets', sql: PG_BUCKETS_SCHEMA },
  { id: 5, name: 'jobs-suspended', sql: PG_JOBS_SUSPENDED_SCHEMA },
  { id: 6, name: 'shard-lz4', sql: PG_SHARD_LZ4_SCHEMA },
];
