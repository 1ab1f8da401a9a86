/**
 * The cluster as real processes (ARCHITECTURE.md §8): a store (an ossbatch server embedded in the test
 * process, with known root keys, used as `oss+http://…`), a fresh PostgreSQL database, and `ossbatch server`
 * node processes on it (`--db postgres://… --store oss+http://…`, each its own port and data dir).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import pg from 'pg';
import { parseXmlBody } from '../../src/protocol/xml.js';
import { jobRequest, makeClient, startTestServer, type TestServer } from '../helpers/server.js';
import { cleanEnv, startServerProcess, type ServerProcess } from '../store/remote/cli-process.js';
import { STORE_KEY } from '../store/remote/remote-harness.js';

/** The nodes' shared root account (every node starts with the same keys, as docs/cluster.md says). */
export const ROOT = {
  accountId: '1357924680135792',
  accessKeyId: 'LTAIclusterroot0001',
  secret: 'cluster-root-secret-000000000000000001',
};

export const keyOf = (i: number): string => `obj/${String(i).padStart(6, '0')}`;

/** The store process with buckets data, manifests, reports and `objects` seeded objects in data. */
export async function startStore(objects: number): Promise<TestServer> {
  const store = await startTestServer({
    config: { rootAccessKeyId: STORE_KEY.id, rootAccessKeySecret: STORE_KEY.secret },
  });
  const s = store.server.store;
  const owner = store.root.accountId;
  for (const name of ['data', 'manifests', 'reports'])
    await s.createBucket({ name, owner, acl: 'private', storageClass: 'Standard' });
  const keys = Array.from({ length: objects }, (_, i) => keyOf(i));
  await s.seedObjects(
    'data',
    keys.map((key) => ({ key })),
  );
  const csv = keys.map((k) => `data,${k}\n`).join('');
  await s.putObject({ bucket: 'manifests', key: 'all.csv', body: Readable.from([Buffer.from(csv)]) });
  return store;
}

export interface Node {
  proc: ServerProcess;
  readonly dataDir: string;
  /** The flags it was started with (a restart uses the same). */
  readonly args: string[];
}

export function nodeEnv(): NodeJS.ProcessEnv {
  return cleanEnv({
    OSSBATCH_ROOT_ACCESS_KEY_ID: ROOT.accessKeyId,
    OSSBATCH_ROOT_ACCESS_KEY_SECRET: ROOT.secret,
    OSSBATCH_ACCOUNT_ID: ROOT.accountId,
    OSSBATCH_STORE_ACCESS_KEY_ID: STORE_KEY.id,
    OSSBATCH_STORE_ACCESS_KEY_SECRET: STORE_KEY.secret,
  });
}

/** A node process; `extra` adds server flags (the bench's --store-concurrency) and node flags (--cpu-prof). */
export async function startNode(
  db: string,
  storePort: number,
  extra: { args?: string[]; nodeFlags?: string[] } = {},
): Promise<Node> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-node-'));
  const args = [
    '--db',
    db,
    '--store',
    `oss+http://127.0.0.1:${storePort}`,
    '--data-dir',
    dataDir,
    ...(extra.args ?? []),
  ];
  return { proc: await startServerProcess(args, nodeEnv(), extra.nodeFlags), dataDir, args };
}

export const nodeClient = (n: Node) =>
  makeClient(n.proc.port, { accessKeyId: ROOT.accessKeyId, secret: ROOT.secret }, { v4: true });

const field = (node: unknown, name: string): string => {
  const v = (node as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v : '';
};

export interface JobView {
  status: string;
  total: number;
  succeeded: number;
  failed: number;
}

export async function describe(n: Node, jobId: string): Promise<JobView> {
  const d = await jobRequest(nodeClient(n), 'DescribeJob', { jobId });
  const job = parseXmlBody(d.xml, 'DescribeJobResult')['Job'];
  const p = (job as Record<string, unknown>)['ProgressSummary'];
  return {
    status: field(job, 'Status'),
    total: Number(field(p, 'TotalNumberOfTasks')),
    succeeded: Number(field(p, 'NumberOfTasksSucceeded')),
    failed: Number(field(p, 'NumberOfTasksFailed')),
  };
}

/** A PutObjectTagging job over manifests/<manifest> with an AllTasks report under reports/<prefix>. */
export async function createTagJob(
  n: Node,
  tag: string,
  prefix: string,
  manifest = 'all.csv',
): Promise<string> {
  const body =
    '<?xml version="1.0" encoding="UTF-8"?><CreateJobRequest><ConfirmationRequired>false</ConfirmationRequired>' +
    `<Operation><PutObjectTagging><TagSet><Tag><Key>run</Key><Value>${tag}</Value></Tag></TagSet></PutObjectTagging></Operation>` +
    `<Report><Bucket>reports</Bucket><Enabled>true</Enabled><Prefix>${prefix}</Prefix><ReportScope>AllTasks</ReportScope></Report>` +
    `<Manifest><Location><Bucket>manifests</Bucket><Object>${manifest}</Object></Location>` +
    '<Spec><Fields>Bucket,Key</Fields><Format>OSS_BatchOperations_CSV_20250611</Format></Spec></Manifest>' +
    `<Priority>10</Priority><RoleArn>acs:ram::${ROOT.accountId}:role/tagger</RoleArn></CreateJobRequest>`;
  const created = await jobRequest(nodeClient(n), 'CreateJob', { body });
  if (created.status !== 200) throw new Error(`CreateJob: ${created.xml}`);
  return field(parseXmlBody(created.xml, 'CreateJobResult'), 'JobId');
}

/** The store's report rows for a job: encoded key → how many rows name it, and the statuses seen. */
export async function readReport(
  store: TestServer,
  prefix: string,
  jobId: string,
): Promise<Map<string, number>> {
  const s = store.server.store;
  const listed = await s.listObjects({
    bucket: 'reports',
    prefix: `${prefix}job-${jobId}/results/`,
    maxKeys: 1000,
  });
  const rows = new Map<string, number>();
  for (const o of listed.objects) {
    const meta = await s.headObject('reports', o.key);
    if (!meta) throw new Error(`report ${o.key} vanished`);
    const parts: Buffer[] = [];
    for await (const p of s.readObject(meta)) parts.push(p as Buffer);
    for (const line of Buffer.concat(parts).toString('utf8').split('\n')) {
      if (line === '') continue;
      const [, key, , status] = line.split(',');
      if (status !== 'succeeded') throw new Error(`report row not succeeded: ${line}`);
      const k = decodeURIComponent(key ?? '');
      rows.set(k, (rows.get(k) ?? 0) + 1);
    }
  }
  return rows;
}

/** How many of the first `objects` keys carry run=<tag> in the store itself. */
export async function countTagged(store: TestServer, objects: number, tag: string): Promise<number> {
  let n = 0;
  for (let i = 0; i < objects; i += 500) {
    const heads = await Promise.all(
      Array.from({ length: Math.min(500, objects - i) }, (_, j) =>
        store.server.store.headObject('data', keyOf(i + j)),
      ),
    );
    for (const h of heads) if (h?.tags?.some((t) => t.key === 'run' && t.value === tag)) n += 1;
  }
  return n;
}

/** The chunk rows of a job as PostgreSQL holds them (who leases what, how far each got). */
export async function chunkRows(
  db: pg.Client,
  jobId: string,
): Promise<{ owner: string | null; cursor: number; state: string }[]> {
  const r = await db.query<{ lease_owner: string | null; cursor: number; state: string }>(
    'SELECT lease_owner, cursor, state FROM chunks WHERE job_id = $1 ORDER BY chunk_index',
    [jobId],
  );
  return r.rows.map((x) => ({ owner: x.lease_owner, cursor: x.cursor, state: x.state }));
}
