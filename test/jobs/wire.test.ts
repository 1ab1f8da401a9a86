/**
 * The five job APIs end to end over a real socket with ali-oss 6.23.0 (V1 and V4), the engine running:
 * against an in-process server and against `ossbatch server` as a real process, both on this vitest
 * project's backend (the postgres project: `--db postgres://…` on a fresh database). Set-up goes over the
 * wire (buckets, objects) and through RAM on the same database (as `ossbatch ram --db` does).
 */
import OSS from 'ali-oss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IamAdmin } from '../../src/iam/admin-types.js';
import { jobRequest, startTestServer, type ClientOptions } from '../helpers/server.js';
import { startServerProcess } from '../helpers/server-process.js';
import { TEST_BACKEND } from '../helpers/test-backend.js';
import { TRUST_OSS } from './jobs-env.js';

interface OssClientError {
  status: number;
  code: string;
  message: string;
}

/** What the cases need of a server, however it runs. */
interface WireServer {
  client(opts?: ClientOptions): OSS;
  readonly iamAdmin: IamAdmin;
  close(): Promise<void>;
}

const SERVERS: readonly [string, () => Promise<WireServer>][] = [
  [
    'in-process server',
    async () => {
      const ts = await startTestServer();
      return { client: (o) => ts.client(o), iamAdmin: ts.server.iamAdmin, close: () => ts.close() };
    },
  ],
  ['`ossbatch server` process', () => startServerProcess()],
];

async function rejectsWith(p: Promise<unknown>): Promise<OssClientError> {
  try {
    await p;
  } catch (e) {
    return e as OssClientError;
  }
  throw new Error('expected the request to fail');
}

/** Polls DescribeJob until `done` holds (the engine runs on its own timers); no speed is asserted. */
async function waitFor(
  ts: WireServer,
  jobId: string,
  done: (status: string) => boolean,
): Promise<Record<string, unknown>> {
  let last = '';
  for (let i = 0; i < 300; i += 1) {
    const r = await jobRequest(ts.client(), 'DescribeJob', { jobId });
    const job = r.data['Job'] as Record<string, unknown>;
    const status = String(job['Status']);
    if (done(status)) return job;
    last = r.xml;
    if (['Complete', 'Cancelled', 'Failed'].includes(status)) break;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`job did not reach the expected status; last reply: ${last}`);
}

/** Until the server has seen the RAM set-up (a process sees it through iam-changed): 403, not 403 InvalidAccessKeyId. */
async function waitForRam(ts: WireServer, nobody: ClientOptions): Promise<void> {
  for (let i = 0; ; i += 1) {
    const r = await rejectsWith(jobRequest(ts.client(nobody), 'ListJobs'));
    if (r.code === 'AccessDenied') return;
    if (i >= 200) throw new Error(`the server never saw the RAM set-up: ${r.code}`);
    await new Promise((res) => setTimeout(res, 25));
  }
}

describe.each(SERVERS)(`job APIs over the wire (ali-oss), %s [${TEST_BACKEND}]`, (_name, start) => {
  let ts: WireServer;
  let roleArn: string;
  let nobody: ClientOptions;
  beforeAll(async () => {
    ts = await start();
    const root = ts.client();
    for (const name of ['wire-manifests', 'wire-reports']) await root.putBucket(name);
    const manifests = ts.client({ bucket: 'wire-manifests' });
    await manifests.put('m.csv', Buffer.from('wire-manifests,m.csv\n'));
    roleArn = (await ts.iamAdmin.createRole({ roleName: 'WireRole', assumeRolePolicyDocument: TRUST_OSS }))
      .Arn;
    const policyDocument = JSON.stringify({
      Version: '1',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['oss:GetObject', 'oss:PutObjectTagging', 'oss:PutObject'],
          Resource: ['acs:oss:*:*:*'],
        },
      ],
    });
    await ts.iamAdmin.createPolicy({ policyName: 'wire-role-policy', policyDocument });
    await ts.iamAdmin.attachPolicyToRole('wire-role-policy', 'WireRole');
    await ts.iamAdmin.createUser({ userName: 'wire-nobody' });
    const key = await ts.iamAdmin.createAccessKey('wire-nobody');
    nobody = { accessKeyId: key.AccessKeyId, secret: key.AccessKeySecret };
    await waitForRam(ts, nobody);
  });
  afterAll(async () => {
    await ts?.close();
  });

  const body = (token: string) =>
    '<?xml version="1.0" encoding="UTF-8"?><CreateJobRequest><ConfirmationRequired>true</ConfirmationRequired>' +
    '<Operation><PutObjectTagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></PutObjectTagging></Operation>' +
    `<ClientRequestToken>${token}</ClientRequestToken>` +
    '<Manifest><Location><Bucket>wire-manifests</Bucket><Object>m.csv</Object></Location>' +
    '<Spec><Fields>Bucket,Key</Fields><Format>OSS_BatchOperations_CSV_20250611</Format></Spec></Manifest>' +
    `<Description>wire</Description><Priority>5</Priority><RoleArn>${roleArn}</RoleArn></CreateJobRequest>`;

  for (const v4 of [false, true]) {
    it(`create → describe → list → priority → cancel (${v4 ? 'V4' : 'V1'})`, async () => {
      const client = ts.client({ v4 });
      const token = `wire-${v4 ? 'v4' : 'v1'}`;
      const created = await jobRequest(client, 'CreateJob', { body: body(token) });
      const jobId = String(created.data['JobId']);
      expect([created.status, jobId.length, created.headers['content-type']]).toEqual([
        200,
        44,
        'application/xml',
      ]);
      const again = await jobRequest(client, 'CreateJob', { body: body(token) });
      expect(again.data['JobId']).toBe(jobId);

      const suspended = await waitFor(ts, jobId, (s) => s === 'Suspended');
      expect(suspended).toMatchObject({
        JobId: jobId,
        ConfirmationRequired: 'true',
        Priority: '5',
        Description: 'wire',
        RoleArn: roleArn,
      });
      expect(String(suspended['CreationTime'])).toMatch(/^\d{10}$/);
      expect(suspended).not.toHaveProperty('TerminationDate');

      const listed = await jobRequest(client, 'ListJobs', {
        statuses: 'Suspended | Cancelled',
        maxKeys: 1000,
      });
      expect(listed.xml).toContain(`<JobId>${jobId}</JobId>`);

      const prio = await jobRequest(client, 'UpdateJobPriority', { jobId, priority: 2147483647 });
      expect(prio.data).toEqual({ JobId: jobId, Priority: '2147483647' });

      const cancel = await jobRequest(client, 'UpdateJobStatus', {
        jobId,
        status: 'Cancelled',
        reason: 'user asked, 100% sure',
      });
      expect(cancel.data).toEqual({
        JobId: jobId,
        Status: 'Cancelling',
        StatusUpdateReason: 'user asked, 100% sure',
      });
      const done = await waitFor(ts, jobId, (s) => s === 'Cancelled');
      expect(String(done['TerminationDate'])).toMatch(/^\d{10}$/);

      const refused = await rejectsWith(
        jobRequest(client, 'UpdateJobStatus', { jobId, status: 'Cancelled' }),
      );
      expect([refused.status, refused.code, refused.message]).toEqual([
        400,
        'InvalidRequest',
        'The job status is Cancelled and cannot be changed to Cancelled.',
      ]);
    });
  }

  it('pages ListJobs with NextToken through the continuation-token sub-resource', async () => {
    const client = ts.client({ v4: true });
    for (let i = 0; i < 3; i += 1) await jobRequest(client, 'CreateJob', { body: body(`page-${i}`) });
    const all = await jobRequest(client, 'ListJobs', { maxKeys: 1000 });
    const ids = [...all.xml.matchAll(/<JobId>([^<]+)<\/JobId>/g)].map((m) => m[1]);
    const seen: (string | undefined)[] = [];
    let token: string | undefined;
    do {
      const page = await jobRequest(ts.client(), 'ListJobs', {
        maxKeys: 2,
        ...(token ? { continuationToken: token } : {}),
      });
      seen.push(...[...page.xml.matchAll(/<JobId>([^<]+)<\/JobId>/g)].map((m) => m[1]));
      token = typeof page.data['NextToken'] === 'string' ? page.data['NextToken'] : undefined;
    } while (token);
    expect(ids.length).toBeGreaterThanOrEqual(3);
    expect(seen).toEqual(ids);
  });

  it('errors reach ali-oss with the right status and code', async () => {
    const client = ts.client();
    const unknown = await rejectsWith(
      jobRequest(client, 'DescribeJob', { jobId: 'MzRjZGU2NGQ3YTY5NGRhMTkxZmZhYzY5OTM5YTcxYWU=' }),
    );
    expect([unknown.status, unknown.code]).toEqual([404, 'NoSuchJob']);
    const bogus = await rejectsWith(jobRequest(client, 'ListJobs', { statuses: 'Running' }));
    expect([bogus.status, bogus.code]).toEqual([400, 'InvalidArgument']);
    const role = await rejectsWith(
      jobRequest(client, 'CreateJob', { body: body('x').replace(roleArn, `${roleArn}x`) }),
    );
    expect([role.status, role.code]).toEqual([400, 'InvalidArgument']);
    // 512 characters but 1536 bytes: report keys would pass the 1023-byte key limit (issue 12).
    const wide = `<Report><Bucket>wire-reports</Bucket><Enabled>true</Enabled><Prefix>${'字'.repeat(512)}</Prefix></Report>`;
    const prefix = await rejectsWith(
      jobRequest(client, 'CreateJob', { body: body('wide').replace('<Manifest>', `${wide}<Manifest>`) }),
    );
    expect([prefix.status, prefix.code]).toEqual([400, 'InvalidArgument']);
    expect(prefix.message).toContain('Report/Prefix must be at most 930 bytes long in UTF-8');
    const denied = await rejectsWith(jobRequest(ts.client(nobody), 'ListJobs'));
    expect([denied.status, denied.code]).toEqual([403, 'AccessDenied']);
  });

  it('runs a job to Complete with exact counts and a report readable over the wire (V4)', async () => {
    const client = ts.client({ v4: true });
    const run = body('run')
      .replace(
        '<ConfirmationRequired>true</ConfirmationRequired>',
        '<ConfirmationRequired>false</ConfirmationRequired>',
      )
      .replace('<ClientRequestToken>run</ClientRequestToken>', '')
      .replace(
        '<Manifest>',
        '<Report><Bucket>wire-reports</Bucket><Enabled>true</Enabled><Prefix>out/</Prefix><ReportScope>AllTasks</ReportScope></Report><Manifest>',
      );
    const jobId = String((await jobRequest(client, 'CreateJob', { body: run })).data['JobId']);
    const done = await waitFor(ts, jobId, (s) => s === 'Complete');
    expect(done['ProgressSummary']).toMatchObject({
      TotalNumberOfTasks: '1',
      NumberOfTasksSucceeded: '1',
      NumberOfTasksFailed: '0',
    });
    const reports = ts.client({ v4: true, bucket: 'wire-reports' });
    const manifest = JSON.parse(String((await reports.get(`out/job-${jobId}/manifest.json`)).content)) as {
      Results: { Key: string; TaskExecutionStatus: string }[];
    };
    const rows: string[] = [];
    for (const r of manifest.Results) {
      rows.push(
        ...String((await reports.get(r.Key)).content)
          .split('\n')
          .filter((l) => l !== ''),
      );
    }
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/^wire-manifests,m\.csv,/);
    const tagged = ts.client({ bucket: 'wire-manifests' }) as unknown as {
      getObjectTagging(key: string): Promise<{ tag: Record<string, string> }>;
    };
    const tags = await tagged.getObjectTagging('m.csv');
    expect(tags.tag).toEqual({ k: 'v' });
  });
});
