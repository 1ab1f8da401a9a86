import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerApiCommands } from '../../src/cli/api.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { runCli, tempHome } from './cli-harness.js';

const TRUST_OSS = JSON.stringify({
  Version: '1',
  Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: ['oss.aliyuncs.com'] } }],
});

let ts: TestServer;
let roleArn: string;
const home = tempHome();

beforeAll(async () => {
  ts = await startTestServer();
  roleArn = (
    await ts.server.iamAdmin.createRole({ roleName: 'ApiRole', assumeRolePolicyDocument: TRUST_OSS })
  ).Arn;
  const policyDocument = JSON.stringify({
    Version: '1',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['oss:ListObjects', 'oss:GetObject', 'oss:PutObjectTagging', 'oss:DeleteObjectTagging'],
        Resource: ['acs:oss:*:*:*'],
      },
    ],
  });
  await ts.server.iamAdmin.createPolicy({ policyName: 'api-role-policy', policyDocument });
  await ts.server.iamAdmin.attachPolicyToRole('api-role-policy', 'ApiRole');
  await ts.server.store.createBucket({
    name: 'api-src',
    owner: ts.root.accountId,
    acl: 'private',
    storageClass: 'Standard',
  });
});
afterAll(async () => {
  await ts.close();
  home.cleanup();
});

const creds = (): string[] => [
  '--endpoint',
  ts.url,
  '--access-key-id',
  ts.root.accessKeyId,
  '--access-key-secret',
  ts.root.secret,
];
const api = (args: string[], extra: { env?: Record<string, string> } = {}) =>
  runCli([registerApiCommands], ['api', ...args, ...creds()], { home: home.home, ...extra });

const jobJson = (token: string, description = 'json <job> & co') => ({
  CreateJobRequest: {
    ConfirmationRequired: true,
    Operation: {
      PutObjectTagging: {
        TagSet: [
          { Key: 'k', Value: 'v' },
          { Key: 'k2', Value: 'v2' },
        ],
      },
    },
    Report: { Enabled: false },
    ClientRequestToken: token,
    KeyPrefixManifestGenerator: { SourceBucket: 'api-src', Prefix: 'p/' },
    Description: description,
    Priority: 3,
    RoleArn: roleArn,
  },
});

async function createJob(token: string): Promise<string> {
  const r = await api([
    'create-job',
    '--create-job-request',
    JSON.stringify(jobJson(token)),
    '--output-format',
    'json',
  ]);
  expect(r.code, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout) as { CreateJobResult: { JobId: string } };
  return out.CreateJobResult.JobId;
}

describe('ossbatch api (ossutil-compatible)', () => {
  it('create-job from JSON (escaped), then describe-job --output-format json', async () => {
    const jobId = await createJob('api-json');
    const r = await api(['describe-job', '--batch-job-id', jobId, '--output-format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { DescribeJobResult: { Job: Record<string, unknown> } };
    const job = out.DescribeJobResult.Job;
    expect(job['JobId']).toBe(jobId);
    expect(job['Description']).toBe('json <job> & co');
    expect(job['Priority']).toBe('3');
    expect(job['Operation']).toEqual({
      PutObjectTagging: {
        TagSet: {
          Tag: [
            { Key: 'k', Value: 'v' },
            { Key: 'k2', Value: 'v2' },
          ],
        },
      },
    });
  });

  it('create-job from inline XML and from file:// (XML and inner-object JSON)', async () => {
    const xml =
      '<CreateJobRequest><Operation><DeleteObjectTagging/></Operation><Report><Enabled>false</Enabled></Report>' +
      `<KeyPrefixManifestGenerator><SourceBucket>api-src</SourceBucket></KeyPrefixManifestGenerator><Priority>1</Priority><RoleArn>${roleArn}</RoleArn></CreateJobRequest>`;
    const inline = await api(['create-job', '--create-job-request', xml]);
    expect(inline.code, inline.stderr).toBe(0);
    expect(inline.stdout).toMatch(
      /<CreateJobResult>\s*<JobId>[A-Za-z0-9+/=]{44}<\/JobId>\s*<\/CreateJobResult>/,
    );

    const xmlFile = path.join(home.home, 'job.xml');
    fs.writeFileSync(xmlFile, xml);
    const fromXmlFile = await api([
      'create-job',
      '--create-job-request',
      `file://${xmlFile}`,
      '--output-format',
      'yaml',
    ]);
    expect(fromXmlFile.code, fromXmlFile.stderr).toBe(0);
    expect(fromXmlFile.stdout).toMatch(/^CreateJobResult:\n {2}JobId: "?[A-Za-z0-9+/=]{44}"?\n$/);

    const jsonFile = path.join(home.home, 'job.json');
    fs.writeFileSync(jsonFile, JSON.stringify(jobJson('api-file').CreateJobRequest));
    const fromJsonFile = await api(['create-job', '--create-job-request', `file://${jsonFile}`]);
    expect(fromJsonFile.code, fromJsonFile.stderr).toBe(0);
  });

  it('list-jobs --output-format json: JobListDescriptor is always an array', async () => {
    const jobId = await createJob('api-list');
    const r = await api(['list-jobs', '--max-keys', '1', '--output-format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      ListJobsResult: { NextToken?: string; Jobs: { JobListDescriptor: { JobId: string }[] } };
    };
    expect(Array.isArray(out.ListJobsResult.Jobs.JobListDescriptor)).toBe(true);
    expect(out.ListJobsResult.Jobs.JobListDescriptor).toHaveLength(1);
    expect(out.ListJobsResult.NextToken).toBeDefined();
    const all = await api([
      'list-jobs',
      '--batch-job-statuses',
      'New|Preparing|Suspended|Ready',
      '--output-format',
      'json',
    ]);
    const ids = (
      JSON.parse(all.stdout) as { ListJobsResult: { Jobs: { JobListDescriptor: { JobId: string }[] } } }
    ).ListJobsResult.Jobs.JobListDescriptor.map((d) => d.JobId);
    expect(ids).toContain(jobId);
    const page2 = await api([
      'list-jobs',
      '--max-keys',
      '1',
      '--continuation-token',
      out.ListJobsResult.NextToken ?? '',
      '--output-format',
      'json',
    ]);
    expect(page2.code, page2.stderr).toBe(0);
  });

  it('update-job-priority and update-job-status', async () => {
    const jobId = await createJob('api-update');
    const p = await api([
      'update-job-priority',
      '--batch-job-id',
      jobId,
      '--target-priority',
      '99',
      '--output-format',
      'json',
    ]);
    expect(p.code, p.stderr).toBe(0);
    expect(JSON.parse(p.stdout)).toEqual({ UpdateJobPriorityResult: { JobId: jobId, Priority: '99' } });
    const s = await api([
      'update-job-status',
      '--batch-job-id',
      jobId,
      '--requested-job-status',
      'Cancelled',
      '--status-update-reason',
      'user said so',
    ]);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout).toContain('<StatusUpdateReason>user said so</StatusUpdateReason>');
  });

  it('an OSS error is one stderr line with code, message and request id; exit 1', async () => {
    const r = await api(['describe-job', '--batch-job-id', 'MzRjZGU2NGQ3YTY5NGRhMTkxZmZhYzY5OTM5YTcxYWU=']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^ossbatch: NoSuchJob: .+ \(HTTP 404, EC 0017-00000404, RequestId [0-9A-F]{24}\)$/,
    );
  });

  it('bad usage exits 2 without a request: bad status, bad priority, bad JSON, missing flag, missing creds', async () => {
    const cases = [
      ['update-job-status', '--batch-job-id', 'x', '--requested-job-status', 'Active'],
      ['update-job-priority', '--batch-job-id', 'x', '--target-priority', '-1'],
      ['create-job', '--create-job-request', '{not json'],
      ['describe-job'],
      ['list-jobs', '--output-format', 'csv'],
    ];
    for (const args of cases) {
      const r = await api(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
    const noCreds = await runCli([registerApiCommands], ['api', 'list-jobs'], { home: home.home, env: {} });
    expect(noCreds.code).toBe(2);
    expect(noCreds.stderr).toMatch(/missing --endpoint .*--access-key-id .*--access-key-secret/);
  });

  it('--help works on every api command', async () => {
    for (const name of [
      'create-job',
      'describe-job',
      'list-jobs',
      'update-job-priority',
      'update-job-status',
    ]) {
      const r = await runCli([registerApiCommands], ['api', name, '--help'], { home: home.home });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('--output-format');
      expect(r.stdout).toContain('--endpoint');
    }
  });
});
