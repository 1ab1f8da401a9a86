import { IAM_SCHEMA } from './001-iam.js';
import { STORE_SCHEMA } from './002-store.js';
import { JOBS_SCHEMA } from './003-jobs.js';
import { CHUNKS_SCHEMA } from './004-chunks.js';
import { ENGINE_ALIVE_SCHEMA } from './005-engine-alive.js';
import { MULTIPART_SCHEMA } from './006-multipart.js';
import { VERSIONS_SCHEMA } from './007-versions.js';
import { CLUSTER_SCHEMA } from './010-cluster.js';
import { REMOTE_BUCKETS_SCHEMA } from './011-remote-buckets.js';
import { REMOTE_BUCKET_CONFIG_SCHEMA } from './012-remote-bucket-config.js';
import { JOBS_SUSPENDED_SCHEMA } from './013-jobs-suspended.js';

export interface Migration {
  readonly id: number;
  readonly name: string;
  readonly sql: string;
}

/** Numbered migrations, applied in order. Landed ones are never edited: add a new number instead. */
export const MIGRATIONS: readonly Migration[] = [
  { id: 1, name: 'iam', sql: IAM_SCHEMA },
  { id: 2, name: 'store', sql: STORE_SCHEMA },
  { id: 3, name: 'jobs', sql: JOBS_SCHEMA },
  { id: 4, name: 'chunks', sql: CHUNKS_SCHEMA },
  { id: 5, name: 'engine-alive', sql: ENGINE_ALIVE_SCHEMA },
  { id: 6, name: 'multipart', sql: MULTIPART_SCHEMA },
  { id: 7, name: 'versions', sql: VERSIONS_SCHEMA },
  // 8 and 9 are left for other branches.
  { id: 10, name: 'cluster', sql: CLUSTER_SCHEMA },
  // 11, 12: the remote-store bucket catalog and the bucket configuration ossbatch serves over it (issue 8).
  { id: 11, name: 'remote-bucket-catalog', sql: REMOTE_BUCKETS_SCHEMA },
  { id: 12, name: 'remote-bucket-config', sql: REMOTE_BUCKET_CONFIG_SCHEMA },
  { id: 13, name: 'jobs-suspended', sql: JOBS_SUSPENDED_SCHEMA },
];
