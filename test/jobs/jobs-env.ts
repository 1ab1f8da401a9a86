/**
 * Shared set-up for the job API tests: a real database (this vitest project's backend: SQLite in a temp
 * dir, or a fresh PostgreSQL database), real IAM, real built-in store, real job repo.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createBackend, type Backend } from '../../src/db/backend.js';
import { createIamService, type Iam, type IamAdmin, type Principal } from '../../src/iam/index.js';
import { createJobsApi, type JobsApi } from '../../src/jobs/oss-codec/index.js';
import type { JobRepo } from '../../src/jobs/job-repo.js';
import type { JobStatus } from '../../src/jobs/model.js';
import { ALLOWED_TRANSITIONS } from '../../src/jobs/status-table.js';
import { ManualClock } from '../../src/protocol/clock.js';
import { isOssError, type OssError } from '../../src/protocol/oss-error.js';
import { parseXmlBody, type XmlNode } from '../../src/protocol/xml.js';
import { createBuiltinStoreFor } from '../../src/server.js';
import type { ObjectStore } from '../../src/store/object-store.js';
import { openTestDb, TEST_BACKEND, type TestBackendName } from '../helpers/test-backend.js';

export const REGION = 'cn-hangzhou';
export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

export const TRUST_OSS = JSON.stringify({
  Version: '1',
  Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: ['oss.aliyuncs.com'] } }],
});
export const TRUST_ECS = JSON.stringify({
  Version: '1',
  Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: ['ecs.aliyuncs.com'] } }],
});

export interface JobsEnv {
  readonly backend: Backend;
  readonly clock: ManualClock;
  readonly iam: Iam;
  readonly iamAdmin: IamAdmin;
  readonly store: ObjectStore;
  readonly repo: JobRepo;
  readonly api: JobsApi;
  readonly accountId: string;
  readonly root: Principal;
  readonly roleArn: string;
  /** Job ids passed to onChange, in order. */
  readonly changes: string[];
  close(): Promise<void>;
}

export async function createJobsEnv(backendName: TestBackendName = TEST_BACKEND): Promise<JobsEnv> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-'));
  const testDb = await openTestDb('jobs', backendName);
  const backend = await createBackend({ db: testDb.db, dataDir: dir });
  const clock = new ManualClock(T0);
  const rootAccount = await backend.iamAdmin.ensureRootAccount({}, clock);
  const accountId = rootAccount.accountId;
  const iam = createIamService({ directory: backend.iam, accountId, notifications: backend.notifications });
  const iamAdmin = backend.iamAdmin.admin(accountId, clock);
  const builtin = await createBuiltinStoreFor(backend, {
    dataDir: dir,
    clock,
    region: REGION,
    restoreDurationMs: 1000,
  });
  const store = builtin.store;
  const repo = backend.jobs;
  const changes: string[] = [];
  const api = createJobsApi({ repo, iam, store, clock, region: REGION, onChange: (id) => changes.push(id) });
  const role = await iamAdmin.createRole({ roleName: 'BatchRole', assumeRolePolicyDocument: TRUST_OSS });
  for (const name of ['manifests', 'reports', 'source']) {
    await store.createBucket({ name, owner: accountId, acl: 'private', storageClass: 'Standard' });
  }
  await store.putObject({
    bucket: 'manifests',
    key: 'manifest.csv',
    body: Readable.from([Buffer.from('source,a\n')]),
  });
  const root: Principal = { kind: 'root', accountId, accessKeyId: rootAccount.accessKeyId };
  return {
    backend,
    clock,
    iam,
    iamAdmin,
    store,
    repo,
    api,
    accountId,
    root,
    roleArn: role.Arn,
    changes,
    async close() {
      await builtin.close();
      await backend.close();
      await testDb.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A RAM user of the env's account, optionally with a policy document attached. */
export async function ramUser(env: JobsEnv, name: string, policy?: object): Promise<Principal> {
  await env.iamAdmin.createUser({ userName: name });
  const key = await env.iamAdmin.createAccessKey(name);
  if (policy) {
    await env.iamAdmin.createPolicy({ policyName: `${name}-policy`, policyDocument: JSON.stringify(policy) });
    await env.iamAdmin.attachPolicyToUser(`${name}-policy`, name);
  }
  const record = await env.iam.findAccessKey(key.AccessKeyId);
  if (!record) throw new Error('access key not found');
  return record.principal;
}

export type Op = keyof JobsApi;

export function request(principal: Principal, query: Record<string, string> = {}, body = '') {
  return {
    principal,
    query: new Map(Object.entries(query)),
    body: Buffer.from(body),
    context: { secureTransport: false, currentTime: T0 },
  };
}

/** Calls an API operation; resolves to the XML or to the OssError it threw (never anything else). */
export async function call(
  env: JobsEnv,
  op: Op,
  query: Record<string, string> = {},
  body = '',
  principal = env.root,
): Promise<string | OssError> {
  try {
    return await env.api[op](request(principal, query, body));
  } catch (e) {
    if (isOssError(e)) return e;
    throw e;
  }
}

export async function ok(
  env: JobsEnv,
  op: Op,
  query: Record<string, string> = {},
  body = '',
  principal = env.root,
): Promise<string> {
  const r = await call(env, op, query, body, principal);
  if (typeof r !== 'string') throw new Error(`expected success, got ${r.code}: ${r.message}`);
  return r;
}

export async function fail(
  env: JobsEnv,
  op: Op,
  query: Record<string, string> = {},
  body = '',
  principal = env.root,
): Promise<OssError> {
  const r = await call(env, op, query, body, principal);
  if (typeof r === 'string') throw new Error(`expected an error, got ${r}`);
  return r;
}

export const parse = (xml: string, root: string): XmlNode => parseXmlBody(xml, root);

/** A valid request body; `parts` replace or drop (undefined) top-level elements by name. */
export function createBody(roleArn: string, parts: Record<string, string | undefined> = {}): string {
  const defaults: Record<string, string | undefined> = {
    ConfirmationRequired: '<ConfirmationRequired>false</ConfirmationRequired>',
    Operation:
      '<Operation><PutObjectTagging><TagSet><Tag><Key>k1</Key><Value>v1</Value></Tag></TagSet></PutObjectTagging></Operation>',
    Report:
      '<Report><Bucket>reports</Bucket><Enabled>true</Enabled><Prefix>out/</Prefix><ReportScope>AllTasks</ReportScope></Report>',
    ClientRequestToken: undefined,
    Manifest:
      '<Manifest><Location><Bucket>manifests</Bucket><Object>manifest.csv</Object></Location><Spec><Fields>Bucket,Key</Fields><Format>OSS_BatchOperations_CSV_20250611</Format></Spec></Manifest>',
    KeyPrefixManifestGenerator: undefined,
    Description: '<Description>tag them</Description>',
    Priority: '<Priority>10</Priority>',
    RoleArn: `<RoleArn>${roleArn}</RoleArn>`,
  };
  const merged = { ...defaults, ...parts };
  return `<?xml version="1.0" encoding="UTF-8"?><CreateJobRequest>${Object.values(merged)
    .filter((v) => v !== undefined)
    .join('')}</CreateJobRequest>`;
}

export async function createJob(
  env: JobsEnv,
  parts: Record<string, string | undefined> = {},
): Promise<string> {
  const xml = await ok(env, 'createJob', {}, createBody(env.roleArn, parts));
  const id = parse(xml, 'CreateJobResult')['JobId'];
  if (typeof id !== 'string') throw new Error('no JobId');
  return id;
}

/** Shortest path of legal transitions from New to `target` (breadth-first over the status table). */
export function pathTo(target: JobStatus): JobStatus[] {
  const prev = new Map<JobStatus, JobStatus | null>([['New', null]]);
  const queue: JobStatus[] = ['New'];
  while (queue.length > 0) {
    const s = queue.shift() as JobStatus;
    if (s === target) break;
    for (const n of ALLOWED_TRANSITIONS[s]) {
      if (!prev.has(n)) {
        prev.set(n, s);
        queue.push(n);
      }
    }
  }
  const path: JobStatus[] = [];
  for (let s: JobStatus | null | undefined = target; s && s !== 'New'; s = prev.get(s)) path.unshift(s);
  return path;
}

/** Walks a New job to `target` through legal transitions, as the engine would. */
export async function driveTo(env: JobsEnv, jobId: string, target: JobStatus): Promise<void> {
  let current: JobStatus = 'New';
  for (const next of pathTo(target)) {
    const r = await env.repo.transition({ jobId, from: [current], to: next, now: env.clock.now() });
    if (!r) throw new Error(`could not move ${current} → ${next}`);
    current = next;
  }
}
