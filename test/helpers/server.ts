/**
 * Shared test helpers: a real server on a real socket (port 0, temp data dir), ali-oss clients in V1/V4,
 * a raw node:http request for garbage input, and a wrapper for the five batch-job APIs (real-clients §1.3).
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import OSS from 'ali-oss';
import type pino from 'pino';
import { DEFAULTS, buildConfig, defaultBaseDomains, type Config } from '../../src/config.js';
import type { Clock } from '../../src/protocol/clock.js';
import { requestPath, signV1, signV4 } from '../../src/protocol/sign-client.js';
import { startServer, type RunningServer } from '../../src/server.js';
import type { DiskFaults } from '../../src/store/builtin/index.js';
import { openTestDb, TEST_BACKEND, type TestBackendName } from './test-backend.js';

export interface TestServerOptions {
  clock?: Clock;
  /** Capture the server's logs (default: silent). */
  logger?: pino.Logger;
  config?: Partial<Config>;
  /** Reuse a data dir (restart tests); it is then NOT removed by close(). */
  dataDir?: string;
  /** The database (default: this vitest project's, OSSBATCH_TEST_BACKEND); a fresh one, dropped by close(). */
  backend?: TestBackendName;
  /** A simulated full disk for the built-in store (simulated-disk.ts). */
  diskFaults?: DiskFaults;
}

export interface ClientOptions {
  v4?: boolean;
  bucket?: string;
  accessKeyId?: string;
  secret?: string;
  /** Virtual-hosted style (`Host: <bucket>.localhost:PORT`) through a lookup agent (real-clients §1.2 F). */
  virtualHosted?: boolean;
}

/** ali-oss through a permissive type: @types/ali-oss 6.23.3 lacks or mistypes several methods the tests call. */
export type LooseOss = any;

export interface TestServer {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** The `--db` URL of the server's database (undefined: embedded SQLite in dataDir). */
  readonly db: string | undefined;
  readonly root: { accountId: string; accessKeyId: string; secret: string };
  readonly server: RunningServer;
  /** ali-oss 6.23.0, config B: endpoint http://localhost:PORT, sldEnable, region oss-cn-hangzhou. */
  client(opts?: ClientOptions): OSS;
  /** The same client, typed loosely (see LooseOss). */
  anyClient(opts?: ClientOptions): LooseOss;
  close(): Promise<void>;
}

export function testConfig(dataDir: string, overrides: Partial<Config> = {}): Config {
  const region = overrides.region ?? DEFAULTS.region;
  return buildConfig({
    ...DEFAULTS,
    host: '127.0.0.1',
    port: 0,
    dataDir,
    logLevel: 'silent',
    baseDomains: defaultBaseDomains(region),
    restoreDurationMs: 200,
    leaseMs: 2000,
    ...overrides,
  });
}

/** Resolves every host name to 127.0.0.1, so `<bucket>.localhost` reaches the test server. */
export const loopbackAgent = (): http.Agent =>
  new http.Agent({
    keepAlive: true,
    lookup: ((_host: string, options: { all?: boolean }, cb: (...args: unknown[]) => void) => {
      if (options?.all) cb(null, [{ address: '127.0.0.1', family: 4 }]);
      else cb(null, '127.0.0.1', 4);
    }) as unknown as http.AgentOptions['lookup'],
  });

export function makeClient(
  port: number,
  creds: { accessKeyId: string; secret: string },
  opts: ClientOptions = {},
): OSS {
  const options = {
    endpoint: `http://localhost:${port}`,
    accessKeyId: opts.accessKeyId ?? creds.accessKeyId,
    accessKeySecret: opts.secret ?? creds.secret,
    region: 'oss-cn-hangzhou',
    authorizationV4: opts.v4 ?? false,
    // Both ways need the loopback agent: `localhost` may resolve to ::1 first while we listen on 127.0.0.1.
    agent: loopbackAgent(),
    ...(opts.virtualHosted ? {} : { sldEnable: true }),
    ...(opts.bucket !== undefined ? { bucket: opts.bucket } : {}),
  };
  return new OSS(options);
}

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-'));
  const testDb = await openTestDb('server', opts.backend ?? TEST_BACKEND);
  let server: RunningServer;
  try {
    server = await startServer(testConfig(dataDir, { db: testDb.db, ...opts.config }), {
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(opts.logger ? { logger: opts.logger } : {}),
      ...(opts.diskFaults ? { diskFaults: opts.diskFaults } : {}),
    });
  } catch (e) {
    await testDb.drop();
    if (ownDir) fs.rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  return {
    url: server.url,
    port: server.port,
    dataDir,
    db: testDb.url,
    root: server.root,
    server,
    client: (c) => makeClient(server.port, server.root, c),
    anyClient: (c) => makeClient(server.port, server.root, c),
    async close() {
      await server.close();
      await testDb.drop();
      if (ownDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface RawRequest {
  method?: string;
  /** Sent verbatim as the request target: no normalisation of `..`, `%`, spaces. */
  path?: string;
  headers?: Record<string, string | number | string[]>;
  body?: string | Buffer;
  /** Stop writing after this many body bytes and end the socket (truncated-body tests). */
  truncateAt?: number;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

/** One request over a fresh connection with node:http; the request line is not normalised. */
export function rawRequest(url: string, req: RawRequest = {}): Promise<RawResponse> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const r = http.request({
      host: u.hostname,
      port: u.port,
      method: req.method ?? 'GET',
      path: req.path ?? '/',
      headers: req.headers ?? {},
      agent: false,
      insecureHTTPParser: true,
    });
    r.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
      });
      res.on('error', reject);
    });
    r.on('error', reject);
    if (req.body !== undefined && req.truncateAt !== undefined) {
      r.write(Buffer.from(req.body).subarray(0, req.truncateAt));
      setTimeout(() => r.destroy(), 50);
      return;
    }
    r.end(req.body);
  });
}

export type JobApi = 'CreateJob' | 'DescribeJob' | 'ListJobs' | 'UpdateJobPriority' | 'UpdateJobStatus';

export interface JobParams {
  /** CreateJob XML body (build and escape it yourself: ali-oss does not escape). */
  body?: string;
  jobId?: string;
  /** ListJobs */
  maxKeys?: number;
  statuses?: string;
  continuationToken?: string;
  /** UpdateJobPriority */
  priority?: number;
  /** UpdateJobStatus */
  status?: string;
  reason?: string;
  /** Extra headers (e.g. a wrong Content-MD5). */
  headers?: Record<string, string>;
}

export interface JobResult {
  status: number;
  /** Parsed by ali-oss (xml2js, explicitRoot:false, explicitArray:false). */
  data: Record<string, unknown>;
  /** The reply body as sent. */
  xml: string;
  headers: Record<string, string>;
}

interface RequestableClient {
  request(params: Record<string, unknown>): Promise<{
    data: Record<string, unknown>;
    res: { status: number; headers: Record<string, string>; data: Buffer };
  }>;
}

/** The five batch APIs through ali-oss `client.request()`, exactly as real-clients.md §1.3 shows. */
export async function jobRequest(client: OSS, api: JobApi, p: JobParams = {}): Promise<JobResult> {
  const c = client as unknown as RequestableClient;
  const base = { successStatuses: [200], xmlResponse: true, ...(p.headers ? { headers: p.headers } : {}) };
  let params: Record<string, unknown>;
  switch (api) {
    case 'CreateJob':
      params = { method: 'POST', subres: { batchJob: '' }, content: p.body ?? '', mime: 'application/xml' };
      break;
    case 'DescribeJob':
      params = { method: 'GET', subres: { batchJob: '' }, query: { batchJobId: p.jobId } };
      break;
    case 'ListJobs': {
      const query: Record<string, unknown> = {};
      if (p.maxKeys !== undefined) query['max-keys'] = p.maxKeys;
      if (p.statuses !== undefined) query.batchJobStatuses = p.statuses;
      const subres: Record<string, string> = { batchJob: '' };
      if (p.continuationToken !== undefined) subres['continuation-token'] = p.continuationToken;
      params = { method: 'GET', subres, query };
      break;
    }
    case 'UpdateJobPriority':
      params = {
        method: 'POST',
        subres: { batchJobPriority: '' },
        query: { batchJobId: p.jobId, targetPriority: p.priority },
      };
      break;
    case 'UpdateJobStatus': {
      const query: Record<string, unknown> = { batchJobId: p.jobId, requestedJobStatus: p.status };
      if (p.reason !== undefined) query.statusUpdateReason = p.reason;
      params = { method: 'POST', subres: { batchJobStatus: '' }, query };
      break;
    }
  }
  const result = await c.request({ ...base, ...params });
  const raw = result.res.data;
  return {
    status: result.res.status,
    data: result.data,
    xml: Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw ?? ''),
    headers: result.res.headers,
  };
}

/** Creates a user with an access key and (optionally) a custom policy attached; returns its credentials. */
export async function createUserWithPolicy(
  ts: TestServer,
  userName: string,
  policyDocument?: object,
): Promise<{ accessKeyId: string; secret: string; userId: string; arn: string }> {
  const iam = ts.server.iamAdmin;
  const user = await iam.createUser({ userName });
  const key = await iam.createAccessKey(userName);
  if (policyDocument !== undefined) {
    const policyName = `${userName}-policy`.replace(/[^A-Za-z0-9-]/g, '-');
    await iam.createPolicy({ policyName, policyDocument: JSON.stringify(policyDocument) });
    await iam.attachPolicyToUser(policyName, userName);
  }
  return { accessKeyId: key.AccessKeyId, secret: key.AccessKeySecret, userId: user.UserId, arn: user.Arn };
}

export interface SignedRawRequest {
  method: string;
  bucket?: string;
  key?: string;
  query?: Record<string, string>;
  subresources?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string | Buffer;
  v4?: boolean;
  accessKeyId?: string;
  secret?: string;
  /** Signing time (default: now). */
  date?: Date;
}

/**
 * A signed request sent with node:http and no URL normalisation: for keys ali-oss cannot send intact
 * (`x/../y`, `..`: its URL parser folds dot segments before the request leaves).
 */
export function signedRawRequest(
  ts: Pick<TestServer, 'url' | 'root'>,
  r: SignedRawRequest,
): Promise<RawResponse> {
  const sign = r.v4 ? signV4 : signV1;
  const headers = sign({
    method: r.method,
    bucket: r.bucket,
    key: r.key,
    ...(r.query ? { query: r.query } : {}),
    ...(r.subresources ? { subresources: r.subresources } : {}),
    headers: r.headers ?? {},
    accessKeyId: r.accessKeyId ?? ts.root.accessKeyId,
    secret: r.secret ?? ts.root.secret,
    region: 'cn-hangzhou',
    date: r.date ?? new Date(),
  });
  const path = requestPath({ bucket: r.bucket, key: r.key, query: r.query, subresources: r.subresources });
  return rawRequest(ts.url, {
    method: r.method,
    path,
    headers,
    ...(r.body !== undefined ? { body: r.body } : {}),
  });
}

const OSS_TRUST = JSON.stringify({
  Version: '1',
  Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: ['oss.aliyuncs.com'] } }],
});

/**
 * A bucket `src` of `objects` metadata-only objects `k/000000`… (seeded, not uploaded) and a role `tagger`
 * trusting OSS with every oss: action, for a tagging job over the real server. Returns the role's ARN.
 */
export async function seedObjectsAndTagger(
  ts: TestServer,
  objects: number,
  acl: 'private' | 'public-read' = 'private',
): Promise<string> {
  const store = ts.server.store;
  await store.createBucket({ name: 'src', owner: ts.root.accountId, acl, storageClass: 'Standard' });
  const keys = Array.from({ length: objects }, (_, i) => ({ key: `k/${String(i).padStart(6, '0')}` }));
  await store.seedObjects('src', keys);
  const iam = ts.server.iamAdmin;
  await iam.createRole({ roleName: 'tagger', assumeRolePolicyDocument: OSS_TRUST });
  const policy = JSON.stringify({
    Version: '1',
    Statement: [{ Effect: 'Allow', Action: ['oss:*'], Resource: ['*'] }],
  });
  await iam.createPolicy({ policyName: 'tagger-policy', policyDocument: policy });
  await iam.attachPolicyToRole('tagger-policy', 'tagger');
  return `acs:ram::${ts.root.accountId}:role/tagger`;
}
