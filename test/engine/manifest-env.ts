/** Shared set-up for the manifest tests: a real built-in store in a temp dir, real IAM on this project's backend. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createBackend, type Backend } from '../../src/db/backend.js';
import { createIamService } from '../../src/iam/index.js';
import type { Iam, IamAdmin } from '../../src/iam/index.js';
import type { JobRecord, JobSpec } from '../../src/jobs/model.js';
import { ManualClock } from '../../src/protocol/clock.js';
import { createBuiltinStoreFor } from '../../src/server.js';
import type { ObjectStore } from '../../src/store/object-store.js';
import { planManifest, readChunkTasks } from '../../src/engine/manifest/index.js';
import { openTestDb } from '../helpers/test-backend.js';
import type { ChunkDescriptor, ManifestDeps, Task } from '../../src/engine/manifest/index.js';

export const ACCOUNT = '1234567890123456';
export const REGION = 'cn-hangzhou';

export const TRUST_OSS = JSON.stringify({
  Version: '1',
  Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: ['oss.aliyuncs.com'] } }],
});

export interface ManifestEnv {
  readonly dir: string;
  readonly backend: Backend;
  readonly store: ObjectStore;
  readonly iam: Iam;
  readonly iamAdmin: IamAdmin;
  readonly deps: ManifestDeps;
  /** ARN of a role allowed oss:GetObject and oss:ListObjects on everything. */
  readonly roleArn: string;
  /** ARN of a role trusting OSS but with no policy attached. */
  readonly bareRoleArn: string;
  close(): Promise<void>;
}

export async function createEnv(): Promise<ManifestEnv> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-'));
  const testDb = await openTestDb('manifest');
  const backend = await createBackend({ db: testDb.db, dataDir: dir });
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const builtin = await createBuiltinStoreFor(backend, {
    dataDir: dir,
    clock,
    region: REGION,
    restoreDurationMs: 1000,
  });
  const store = builtin.store;
  const iam = createIamService({
    directory: backend.iam,
    accountId: ACCOUNT,
    notifications: backend.notifications,
  });
  const iamAdmin = backend.iamAdmin.admin(ACCOUNT, clock);
  const policyDocument = JSON.stringify({
    Version: '1',
    Statement: [
      { Effect: 'Allow', Action: ['oss:GetObject', 'oss:ListObjects'], Resource: ['acs:oss:*:*:*'] },
    ],
  });
  await iamAdmin.createPolicy({ policyName: 'read-manifests', policyDocument });
  const role = await iamAdmin.createRole({ roleName: 'batch-role', assumeRolePolicyDocument: TRUST_OSS });
  await iamAdmin.attachPolicyToRole('read-manifests', 'batch-role');
  const bare = await iamAdmin.createRole({ roleName: 'bare-role', assumeRolePolicyDocument: TRUST_OSS });
  const deps: ManifestDeps = { store, iam, clock, region: REGION };
  return {
    dir,
    backend,
    store,
    iam,
    iamAdmin,
    deps,
    roleArn: role.Arn,
    bareRoleArn: bare.Arn,
    async close() {
      await builtin.close();
      await backend.close();
      await testDb.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function makeBucket(env: ManifestEnv, name: string): Promise<void> {
  await env.store.createBucket({ name, owner: ACCOUNT, acl: 'private', storageClass: 'Standard' });
}

export async function put(
  env: ManifestEnv,
  bucket: string,
  key: string,
  body: string | Buffer,
): Promise<void> {
  await env.store.putObject({ bucket, key, body: Readable.from([Buffer.from(body)]) });
}

export function job(spec: Partial<JobSpec> & Pick<JobSpec, 'roleArn'>): JobRecord {
  const full: JobSpec = {
    confirmationRequired: false,
    operation: { kind: 'DeleteObjectTagging' },
    report: { enabled: false, scope: 'AllTasks' },
    description: '',
    priority: 0,
    ...spec,
  };
  return {
    jobId: 'job-1',
    accountId: ACCOUNT,
    spec: full,
    status: 'Preparing',
    priority: 0,
    statusUpdateReason: '',
    createdAt: 0,
    terminatedAt: null,
    preConfirmed: false,
    suspendedAt: null,
    totalTasks: -1,
    succeededTasks: 0,
    failedTasks: 0,
    activeMs: 0,
    activeSince: null,
    failure: null,
    version: 1,
  };
}

export function csvJob(
  env: ManifestEnv,
  object: string,
  extra: { fields?: string; etag?: string; versionId?: string; roleArn?: string } = {},
): JobRecord {
  return job({
    roleArn: extra.roleArn ?? env.roleArn,
    manifest: {
      bucket: 'manifests',
      object,
      format: 'OSS_BatchOperations_CSV_20250611',
      fields: extra.fields,
      etag: extra.etag,
      versionId: extra.versionId,
    },
  });
}

export async function plan(
  env: ManifestEnv,
  j: JobRecord,
  chunkSize: number,
): Promise<{ totalTasks: number; chunks: ChunkDescriptor[] }> {
  const chunks: ChunkDescriptor[] = [];
  const { totalTasks } = await planManifest(env.deps, j, chunkSize, (c) => chunks.push(c));
  return { totalTasks, chunks };
}

export async function readAll(
  env: ManifestEnv,
  j: JobRecord,
  chunk: ChunkDescriptor,
  skip = 0,
  batchSize = 1000,
): Promise<Task[][]> {
  const out: Task[][] = [];
  for await (const batch of readChunkTasks(env.deps, j, chunk, skip, batchSize)) out.push(batch);
  return out;
}

/** Plans then reads every chunk: the tasks in manifest order. */
export async function planAndRead(env: ManifestEnv, j: JobRecord, chunkSize = 1000): Promise<Task[]> {
  const { totalTasks, chunks } = await plan(env, j, chunkSize);
  const tasks: Task[] = [];
  for (const c of chunks) for (const b of await readAll(env, j, c)) tasks.push(...b);
  if (tasks.length !== totalTasks) throw new Error(`planned ${totalTasks} tasks, read ${tasks.length}`);
  return tasks;
}
