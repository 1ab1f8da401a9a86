import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import pino from 'pino';
import { Registry } from 'prom-client';
import { buildConfig, DEFAULTS, defaultBaseDomains, type Config } from '../../src/config.js';
import { createBackend, type Backend } from '../../src/db/backend.js';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { createIamService } from '../../src/iam/index.js';
import type { Iam, Principal } from '../../src/iam/types.js';
import type { IamAdmin } from '../../src/iam/admin-types.js';
import { createJobsApi, type JobsApi } from '../../src/jobs/oss-codec/index.js';
import type { JobRepo } from '../../src/jobs/job-repo.js';
import type { JobRecord, JobStatus } from '../../src/jobs/model.js';
import { OffsetClock } from '../../src/protocol/clock.js';
import { createBuiltinStoreFor } from '../../src/server.js';
import type { DiskFaults } from '../../src/store/builtin/index.js';
import type { ObjectStore } from '../../src/store/object-store.js';
import type { SeedObject } from '../../src/store/object-store.js';
import { openTestDb, TEST_BACKEND, type TestBackendName } from '../helpers/test-backend.js';

export const ACCOUNT = '1234567890123456';
export const REGION = 'cn-hangzhou';
const TRUST = JSON.stringify({
  Version: '1',
  Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: ['oss.aliyuncs.com'] } }],
});

export interface JobInput {
  /** The <Operation> inner XML, e.g. `<PutObjectTagging><TagSet>…</TagSet></PutObjectTagging>`. */
  operation: string;
  manifest?: { bucket: string; object: string; fields?: string; format?: string };
  prefix?: { bucket: string; prefix?: string };
  report?: { bucket: string; prefix?: string; scope?: 'AllTasks' | 'FailedTasksOnly' };
  roleArn: string;
  priority?: number;
  confirmationRequired?: boolean;
}

export interface Harness {
  readonly dir: string;
  readonly backend: Backend;
  readonly store: ObjectStore;
  readonly iam: Iam;
  readonly iamAdmin: IamAdmin;
  readonly repo: JobRepo;
  readonly api: JobsApi;
  readonly engine: Engine;
  readonly clock: OffsetClock;
  readonly registry: Registry;
  readonly config: Config;
  /** Creates a role trusting OSS with one policy allowing `actions` on `resources` (default everything). */
  role(name: string, actions?: string[], resources?: string[]): Promise<string>;
  bucket(name: string, owner?: string): Promise<void>;
  seed(bucket: string, objects: readonly SeedObject[]): Promise<void>;
  putText(bucket: string, key: string, text: string | Buffer): Promise<void>;
  readText(bucket: string, key: string): Promise<string>;
  createJob(input: JobInput): Promise<string>;
  updateStatus(jobId: string, status: 'Ready' | 'Cancelled', reason?: string): Promise<string>;
  updatePriority(jobId: string, priority: number): Promise<string>;
  job(jobId: string): Promise<JobRecord>;
  waitFor(jobId: string, statuses: readonly JobStatus[], timeoutMs?: number): Promise<JobRecord>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  chunkSize?: number;
  workers?: number;
  maxActiveJobs?: number;
  start?: boolean;
  /** Default: this vitest project's backend (a fresh database, dropped by close()). */
  backend?: TestBackendName;
  /** Data directory to use (e.g. a small tmpfs); its contents are removed on close, the directory is kept. */
  dir?: string;
  /** The engine's logger (default silent). */
  logger?: pino.Logger;
  /** The built-in store's free-space floor (default 0: off). */
  minFreeBytes?: number;
  /** A simulated full disk for the built-in store (test/helpers/simulated-disk.ts). */
  diskFaults?: DiskFaults;
  /** The engine's clock-driven pass interval (EngineDeps.tickMs; default 250 ms). */
  tickMs?: number;
  /** Runs before each batch and grants it, short or not (EngineDeps.beforeBatch; default: grant(false)). */
  beforeBatch?: (grant: (hurry: boolean) => void) => void;
}

const root: Principal = { kind: 'root', accountId: ACCOUNT, accessKeyId: 'LTAIroot' };
const ctx = (clock: OffsetClock) => ({ secureTransport: true, currentTime: clock.now() });

export async function createHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-'));
  const testDb = await openTestDb('engine', opts.backend ?? TEST_BACKEND);
  const config = buildConfig({
    ...DEFAULTS,
    db: testDb.db,
    dataDir: dir,
    baseDomains: defaultBaseDomains(DEFAULTS.region),
    logLevel: 'silent',
    chunkSize: opts.chunkSize ?? 100,
    workers: opts.workers ?? 2,
  });
  const clock = new OffsetClock();
  const backend = await createBackend({ db: config.db, dataDir: dir });
  const { notifications } = backend;
  const iam = createIamService({ directory: backend.iam, accountId: ACCOUNT, notifications });
  const iamAdmin = backend.iamAdmin.admin(ACCOUNT, clock);
  const builtin = await createBuiltinStoreFor(backend, {
    dataDir: dir,
    clock,
    region: REGION,
    restoreDurationMs: 60_000,
    minFreeBytes: opts.minFreeBytes ?? 0,
    ...(opts.diskFaults ? { diskFaults: opts.diskFaults } : {}),
  });
  const store = builtin.store;
  const repo = backend.jobs;
  const registry = new Registry();
  const logger = opts.logger ?? pino({ level: 'silent' });
  const engine = createEngine({
    ports: backend,
    store,
    iam,
    clock,
    config,
    logger,
    metrics: registry,
    nodeId: `harness-${path.basename(dir)}`,
    storeKind: 'builtin',
    maxActiveJobs: opts.maxActiveJobs,
    ...(opts.tickMs !== undefined ? { tickMs: opts.tickMs } : {}),
    ...(opts.beforeBatch ? { beforeBatch: opts.beforeBatch } : {}),
  });
  const api = createJobsApi({
    repo,
    iam,
    store,
    clock,
    region: REGION,
    onChange: (jobId) => void notifications.publish({ kind: 'job-changed', jobId }),
    notice: (id) => engine.notice(id),
  });
  const call = (
    q: Record<string, string>,
    body = '',
  ): { principal: Principal; query: Map<string, string>; body: Buffer; context: ReturnType<typeof ctx> } => ({
    principal: root,
    query: new Map(Object.entries(q)),
    body: Buffer.from(body),
    context: ctx(clock),
  });
  if (opts.start !== false) await engine.start();

  const h: Harness = {
    dir,
    backend,
    store,
    iam,
    iamAdmin,
    repo,
    api,
    engine,
    clock,
    registry,
    config,
    async role(name, actions = ['oss:*'], resources = ['*']) {
      await iamAdmin.createRole({ roleName: name, assumeRolePolicyDocument: TRUST });
      const doc = JSON.stringify({
        Version: '1',
        Statement: [{ Effect: 'Allow', Action: actions, Resource: resources }],
      });
      await iamAdmin.createPolicy({ policyName: `${name}-policy`, policyDocument: doc });
      await iamAdmin.attachPolicyToRole(`${name}-policy`, name);
      return `acs:ram::${ACCOUNT}:role/${name}`;
    },
    async bucket(name, owner = ACCOUNT) {
      await store.createBucket({ name, owner, acl: 'private', storageClass: 'Standard' });
    },
    seed: (bucket, objects) => store.seedObjects(bucket, objects),
    async putText(bucket, key, text) {
      await store.putObject({
        bucket,
        key,
        body: Readable.from([typeof text === 'string' ? Buffer.from(text) : text]),
      });
    },
    async readText(bucket, key) {
      const meta = await store.headObject(bucket, key);
      if (!meta) throw new Error(`no object ${bucket}/${key}`);
      const parts: Buffer[] = [];
      for await (const p of store.readObject(meta)) parts.push(p as Buffer);
      return Buffer.concat(parts).toString('utf8');
    },
    async createJob(input) {
      const xml = await api.createJob(call({ batchJob: '' }, jobXml(input)));
      const id = /<JobId>([^<]+)<\/JobId>/.exec(xml)?.[1];
      if (!id) throw new Error(`no JobId in ${xml}`);
      return id;
    },
    updateStatus: (jobId, status, reason) =>
      api.updateJobStatus(
        call({
          batchJobStatus: '',
          batchJobId: jobId,
          requestedJobStatus: status,
          ...(reason ? { statusUpdateReason: reason } : {}),
        }),
      ),
    updatePriority: (jobId, priority) =>
      api.updateJobPriority(
        call({ batchJobPriority: '', batchJobId: jobId, targetPriority: String(priority) }),
      ),
    async job(jobId) {
      const j = await repo.getJobById(jobId);
      if (!j) throw new Error(`no job ${jobId}`);
      return j;
    },
    async waitFor(jobId, statuses, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const j = await h.job(jobId);
        if (statuses.includes(j.status)) return j;
        if (Date.now() > until)
          throw new Error(
            `job ${jobId} is ${j.status}, expected ${statuses.join('|')} (${JSON.stringify(j.failure)})`,
          );
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async close() {
      await engine.stop();
      await builtin.close();
      await backend.close();
      await testDb.drop();
      if (opts.dir === undefined) fs.rmSync(dir, { recursive: true, force: true });
      else
        for (const name of fs.readdirSync(dir))
          fs.rmSync(path.join(dir, name), { recursive: true, force: true });
    },
  };
  return h;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function jobXml(i: JobInput): string {
  const manifest = i.manifest
    ? `<Manifest><Location><Bucket>${esc(i.manifest.bucket)}</Bucket><Object>${esc(i.manifest.object)}</Object></Location>` +
      `<Spec><Format>${i.manifest.format ?? 'OSS_BatchOperations_CSV_20250611'}</Format>${i.manifest.fields ? `<Fields>${i.manifest.fields}</Fields>` : ''}</Spec></Manifest>`
    : '';
  const prefix = i.prefix
    ? `<KeyPrefixManifestGenerator><SourceBucket>${esc(i.prefix.bucket)}</SourceBucket><Prefix>${esc(i.prefix.prefix ?? '')}</Prefix></KeyPrefixManifestGenerator>`
    : '';
  const report = i.report
    ? `<Report><Bucket>${esc(i.report.bucket)}</Bucket><Enabled>true</Enabled><Prefix>${esc(i.report.prefix ?? '')}</Prefix><ReportScope>${i.report.scope ?? 'AllTasks'}</ReportScope></Report>`
    : '<Report><Enabled>false</Enabled></Report>';
  return (
    `<?xml version="1.0" encoding="UTF-8"?><CreateJobRequest>` +
    `<ConfirmationRequired>${i.confirmationRequired ? 'true' : 'false'}</ConfirmationRequired>` +
    `<Operation>${i.operation}</Operation>${report}${manifest}${prefix}` +
    `<Description>engine test</Description><Priority>${i.priority ?? 10}</Priority><RoleArn>${esc(i.roleArn)}</RoleArn></CreateJobRequest>`
  );
}

export const TAG_OP =
  '<PutObjectTagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></PutObjectTagging>';

/** The report's rows (manifest.json + every results object), parsed into fields. */
export async function readReport(
  h: Harness,
  reportBucket: string,
  prefix: string,
  jobId: string,
): Promise<{
  manifest: { Results: { TaskExecutionStatus: string; Key: string; MD5Checksum: string }[] };
  rows: string[][];
}> {
  const manifest = JSON.parse(await h.readText(reportBucket, `${prefix}job-${jobId}/manifest.json`)) as {
    Results: { TaskExecutionStatus: string; Key: string; MD5Checksum: string }[];
  };
  const rows: string[][] = [];
  for (const r of manifest.Results) {
    const text = await h.readText(reportBucket, r.Key);
    for (const line of text.split('\n')) if (line !== '') rows.push(parseCsvLine(line));
  }
  return { manifest, rows };
}

export function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        v += line.slice(i, q);
        if (line[q + 1] === '"') {
          v += '"';
          i = q + 2;
        } else {
          i = q + 2;
          break;
        }
      }
      out.push(v);
    } else {
      const c = line.indexOf(',', i);
      const end = c === -1 ? line.length : c;
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}

/**
 * The small job most report tests start from: role `r` (everything allowed), buckets `src` (objects a, b,
 * c and the manifest `m.csv`, by default one row per object) and `rep`. Returns the role's ARN.
 */
export async function seedAbcJob(h: Harness, manifest = 'src,a\nsrc,b\nsrc,c\n'): Promise<string> {
  const role = await h.role('r');
  await h.bucket('src');
  await h.bucket('rep');
  await h.seed('src', [{ key: 'a' }, { key: 'b' }, { key: 'c' }]);
  await h.putText('src', 'm.csv', manifest);
  return role;
}
