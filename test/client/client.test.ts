import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OssBatchClient, OssError, type Job } from '../../src/client/index.js';
import { loopbackAgent, startTestServer, type TestServer } from '../helpers/server.js';

const TRUST_OSS = JSON.stringify({
  Version: '1',
  Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: ['oss.aliyuncs.com'] } }],
});

let ts: TestServer;
let roleArn: string;

beforeAll(async () => {
  ts = await startTestServer();
  roleArn = (
    await ts.server.iamAdmin.createRole({ roleName: 'ClientRole', assumeRolePolicyDocument: TRUST_OSS })
  ).Arn;
  const policyDocument = JSON.stringify({
    Version: '1',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['oss:GetObject', 'oss:PutObject', 'oss:ListObjects', 'oss:PutObjectTagging'],
        Resource: ['acs:oss:*:*:*'],
      },
    ],
  });
  await ts.server.iamAdmin.createPolicy({ policyName: 'client-role-policy', policyDocument });
  await ts.server.iamAdmin.attachPolicyToRole('client-role-policy', 'ClientRole');
});
afterAll(() => ts.close());

const client = (signVersion: 'v1' | 'v4', secret?: string): OssBatchClient =>
  new OssBatchClient({
    endpoint: ts.url,
    accessKeyId: ts.root.accessKeyId,
    accessKeySecret: secret ?? ts.root.secret,
    signVersion,
  });

async function waitTerminal(c: OssBatchClient, jobId: string): Promise<Job> {
  for (let i = 0; i < 400; i++) {
    const job = await c.describeJob(jobId);
    if (['Complete', 'Cancelled', 'Failed'].includes(job.status)) return job;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('job did not end');
}

describe.each(['v1', 'v4'] as const)('OssBatchClient against the server (%s)', (version) => {
  const bucket = `client-${version}`;
  const keys = ['a b+c.txt', 'dir/中文 é.txt', "q'(*)!~.bin", 'dir/sub/x&y<z>.txt', 'z%20literal'];

  it('putBucket, putObject, listObjects (paged), getObject, headObject', async () => {
    const c = client(version);
    await c.putBucket(bucket);
    for (const k of keys)
      await c.putObject(bucket, k, `body of ${k}`, { contentType: 'text/plain', meta: { owner: 'me' } });
    await c.putObject(bucket, 'streamed.bin', {
      stream: () => Readable.from([Buffer.from('abc'), Buffer.from('def')]),
      length: 6,
    });
    const page1 = await c.listObjects(bucket, { maxKeys: 2 });
    expect(page1.objects).toHaveLength(2);
    expect(page1.isTruncated).toBe(true);
    const all: string[] = [];
    for await (const o of c.listAllObjects(bucket, { maxKeys: 2 })) all.push(o.key);
    expect(all.sort()).toEqual([...keys, 'streamed.bin'].sort());
    const dirs = await c.listObjects(bucket, { prefix: 'dir/', delimiter: '/' });
    expect(dirs.commonPrefixes).toEqual(['dir/sub/']);
    expect(dirs.objects.map((o) => o.key)).toEqual(['dir/中文 é.txt']);
    expect((await c.getObject(bucket, 'dir/sub/x&y<z>.txt')).toString()).toBe('body of dir/sub/x&y<z>.txt');
    const chunks: Buffer[] = [];
    for await (const ch of await c.getObjectStream(bucket, 'streamed.bin')) chunks.push(ch as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('abcdef');
    const head = await c.headObject(bucket, 'a b+c.txt');
    expect(head).toMatchObject({
      size: 'body of a b+c.txt'.length,
      contentType: 'text/plain',
      meta: { owner: 'me' },
    });
    expect(head.etag).toMatch(/^[0-9A-F]{32}$/i);
    c.close();
  });

  it('createJob → describeJob (typed) → listJobs → updateJobPriority → updateJobStatus', async () => {
    const c = client(version);
    const { jobId } = await c.createJob({
      operation: { type: 'PutObjectTagging', tags: [{ key: 'team', value: 'a b' }] },
      source: { kind: 'prefix', sourceBucket: bucket, prefix: 'dir/' },
      roleArn,
      report: { enabled: true, bucket, prefix: 'reports/', scope: 'AllTasks' },
      priority: 7,
      description: 'escape <me> & "you"',
      confirmationRequired: true,
      clientRequestToken: `tok-${version}`,
    });
    expect(jobId).toMatch(/^[A-Za-z0-9+/=]{44}$/);
    const job = await c.describeJob(jobId);
    expect(job).toMatchObject({
      jobId,
      priority: 7,
      description: 'escape <me> & "you"',
      confirmationRequired: true,
      roleArn,
      operation: { type: 'PutObjectTagging', tags: [{ key: 'team', value: 'a b' }] },
      source: { kind: 'prefix', sourceBucket: bucket, prefix: 'dir/' },
      report: { enabled: true, bucket, prefix: 'reports/', scope: 'AllTasks' },
    });
    expect(typeof job.creationTime).toBe('number');
    expect(job.creationTime).toBeGreaterThan(1_700_000_000);
    expect(['New', 'Preparing', 'Suspended']).toContain(job.status);

    const listed = await c.listJobs({ statuses: ['New', 'Preparing', 'Suspended'], maxKeys: 100 });
    expect(listed.jobs.map((j) => j.jobId)).toContain(jobId);
    const summary = listed.jobs.find((j) => j.jobId === jobId);
    expect(summary).toMatchObject({ operation: 'PutObjectTagging', priority: 7 });

    expect(await c.updateJobPriority(jobId, 42)).toEqual({ jobId, priority: 42 });
    expect((await c.describeJob(jobId)).priority).toBe(42);

    const cancelled = await c.updateJobStatus(jobId, 'Cancelled', 'not today');
    expect(cancelled.jobId).toBe(jobId);
    expect(['Cancelling', 'Cancelled']).toContain(cancelled.status);
    expect(cancelled.statusUpdateReason).toBe('not today');
    c.close();
  });

  it('runs a job to Complete with numeric progress', async () => {
    const c = client(version);
    const { jobId } = await c.createJob({
      operation: { type: 'PutObjectTagging', tags: [{ key: 'k', value: 'v' }] },
      source: { kind: 'prefix', sourceBucket: bucket, prefix: 'dir/' },
      roleArn,
    });
    const done = await waitTerminal(c, jobId);
    expect(done.status).toBe('Complete');
    expect(done.progress).toMatchObject({ totalTasks: 2, succeededTasks: 2, failedTasks: 0 });
    expect(done.terminationDate).toBeGreaterThanOrEqual(done.creationTime);
    c.close();
  });

  it('errors are typed OssErrors with code, message, requestId, ec and status', async () => {
    const c = client(version);
    const err = await c.describeJob('MzRjZGU2NGQ3YTY5NGRhMTkxZmZhYzY5OTM5YTcxYWU=').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OssError);
    expect(err).toMatchObject({ code: 'NoSuchJob', status: 404, ec: '0017-00000404' });
    expect((err as OssError).requestId).toMatch(/^[0-9A-F]{24}$/);
    await expect(c.headObject(bucket, 'missing')).rejects.toMatchObject({ code: 'NoSuchKey', status: 404 });
    await expect(c.createJob('<CreateJobRequest><Oops>')).rejects.toMatchObject({
      code: 'MalformedXML',
      status: 400,
    });
    c.close();
    const bad = client(version, 'wrong-secret');
    await expect(bad.listJobs()).rejects.toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
    bad.close();
  });
});

describe('client options', () => {
  it('virtual-hosted addressing puts the bucket in the Host header', async () => {
    const c = new OssBatchClient({
      endpoint: `http://localhost:${ts.port}`,
      accessKeyId: ts.root.accessKeyId,
      accessKeySecret: ts.root.secret,
      addressing: 'virtual',
      agent: loopbackAgent(),
    });
    await c.putBucket('virtual-bkt');
    await c.putObject('virtual-bkt', 'dir/v.txt', 'virtual');
    expect((await c.getObject('virtual-bkt', 'dir/v.txt')).toString()).toBe('virtual');
    expect((await c.listObjects('virtual-bkt')).objects.map((o) => o.key)).toEqual(['dir/v.txt']);
    c.close();
  });

  it('takes the region from an aliyuncs endpoint and strips oss-', () => {
    const a = new OssBatchClient({
      endpoint: 'https://oss-eu-central-1.aliyuncs.com',
      accessKeyId: 'a',
      accessKeySecret: 'b',
    });
    const b = new OssBatchClient({
      endpoint: 'localhost:1',
      accessKeyId: 'a',
      accessKeySecret: 'b',
      region: 'oss-cn-beijing',
    });
    expect([a.region, b.region]).toEqual(['eu-central-1', 'cn-beijing']);
    a.close();
    b.close();
  });
});
