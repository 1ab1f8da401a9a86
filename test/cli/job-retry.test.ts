/**
 * `ossbatch job retry` (issue 11) as a user meets it: the real CLI process against a real server. A job
 * that was cancelled and one that hit the failure threshold are retried; with the retry, every object is
 * changed exactly once (each key succeeds in exactly one of the two reports).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OssBatchClient, type Job } from '../../src/client/index.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { cleanEnv, ensureBuilt, runOssbatch } from '../helpers/cli-process.js';

const TRUST_OSS = JSON.stringify({
  Version: '1',
  Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: ['oss.aliyuncs.com'] } }],
});
const DENY_NO = JSON.stringify({
  Version: '1',
  Statement: [{ Effect: 'Deny', Action: ['oss:PutObjectTagging'], Resource: ['acs:oss:*:*:data/t/*-no'] }],
});

let ts: TestServer;
let client: OssBatchClient;
let roleArn: string;

beforeAll(async () => {
  ensureBuilt();
  // One worker; chunks of 20000 tasks run as 20 batches (the engine batches 1000), so the cancel lands
  // inside a chunk (a partial cursor), and the threshold trips at the end of the first chunk with chunks left.
  ts = await startTestServer({ config: { workers: 1, chunkSize: 20_000 } });
  client = new OssBatchClient({
    endpoint: ts.url,
    accessKeyId: ts.root.accessKeyId,
    accessKeySecret: ts.root.secret,
    addressing: 'path',
  });
  await client.putBucket('data');
  await client.putBucket('reports');
  const iam = ts.server.iamAdmin;
  roleArn = (await iam.createRole({ roleName: 'RetryRole', assumeRolePolicyDocument: TRUST_OSS })).Arn;
  const allow = JSON.stringify({
    Version: '1',
    Statement: [{ Effect: 'Allow', Action: ['oss:*'], Resource: ['*'] }],
  });
  await iam.createPolicy({ policyName: 'retry-allow', policyDocument: allow });
  await iam.attachPolicyToRole('retry-allow', 'RetryRole');
  await iam.createPolicy({ policyName: 'retry-deny-no', policyDocument: DENY_NO });
}, 120_000);
afterAll(async () => {
  client.close();
  await ts.close();
});

const env = (): NodeJS.ProcessEnv =>
  cleanEnv({
    OSSBATCH_CONFIG: '/nonexistent/ossbatch-config',
    OSS_ENDPOINT: ts.url,
    OSS_ACCESS_KEY_ID: ts.root.accessKeyId,
    OSS_ACCESS_KEY_SECRET: ts.root.secret,
  });
const cli = (...args: string[]) => runOssbatch(args, { env: env() });

async function seed(keys: readonly string[]): Promise<void> {
  await ts.server.store.seedObjects(
    'data',
    keys.map((key) => ({ key, size: 1 })),
  );
}

async function waitFor(jobId: string, done: (j: Job) => boolean, timeoutMs = 60_000): Promise<Job> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const job = await client.describeJob(jobId);
    if (done(job)) return job;
    if (Date.now() > until) throw new Error(`job ${jobId} stuck in ${job.status}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
const terminal = (j: Job): boolean => ['Complete', 'Cancelled', 'Failed'].includes(j.status);

async function createTagJob(prefix: string, scope: 'AllTasks' | 'FailedTasksOnly'): Promise<string> {
  const { jobId } = await client.createJob({
    operation: { type: 'PutObjectTagging', tags: [{ key: 'retry', value: 'done' }] },
    source: { kind: 'prefix', sourceBucket: 'data', prefix },
    roleArn,
    report: { enabled: true, bucket: 'reports', prefix: 'r/', scope },
    priority: 5,
  });
  return jobId;
}

/** Keys per TaskStatus in a job's report. */
async function reportKeys(jobId: string): Promise<{ succeeded: string[]; failed: string[] }> {
  const manifest = JSON.parse(
    (await client.getObject('reports', `r/job-${jobId}/manifest.json`)).toString(),
  ) as { Results: { TaskExecutionStatus: string; Key: string }[] };
  const out = { succeeded: [] as string[], failed: [] as string[] };
  for (const r of manifest.Results) {
    const text = (await client.getObject('reports', r.Key)).toString();
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const [, key = '', , status] = line.split(',');
      (status === 'succeeded' ? out.succeeded : out.failed).push(decodeURIComponent(key));
    }
  }
  return out;
}

/** Retries through the CLI, checks the reply, waits for the retry to end Complete. */
async function retry(source: Job): Promise<Job> {
  const r = await cli('job', 'retry', source.jobId);
  expect(r.status, r.stderr).toBe(0);
  const newId = r.stdout.split('\n')[0] ?? '';
  const unrun = source.progress.totalTasks - source.progress.succeededTasks - source.progress.failedTasks;
  expect(r.stdout).toContain(
    `retries ${source.progress.failedTasks} failed and ${unrun} never-run tasks of job ${source.jobId}`,
  );
  // Asking again returns the same job (ClientRequestToken retry-<JobId>): no second retry.
  const again = await cli('job', 'retry', source.jobId, '--output-format', 'json');
  expect(again.status, again.stderr).toBe(0);
  expect(JSON.parse(again.stdout)).toMatchObject({ jobId: newId, sourceJobId: source.jobId });
  const done = await waitFor(newId, terminal);
  expect(done.status).toBe('Complete');
  expect(done.progress.totalTasks).toBe(source.progress.totalTasks - source.progress.succeededTasks);
  return done;
}

function expectEachOnce(all: readonly string[], first: readonly string[], second: readonly string[]): void {
  const both = [...first, ...second].sort();
  expect(both.length).toBe(all.length);
  expect(both).toEqual([...all].sort());
}

describe('ossbatch job retry', () => {
  it('retries a cancelled job: the two jobs together change every object exactly once', async () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => `c/${String(i).padStart(6, '0')}`);
    await seed(keys);
    const id = await createTagJob('c/', 'AllTasks');
    await waitFor(id, (j) => j.progress.succeededTasks > 0 || terminal(j));
    await client.updateJobStatus(id, 'Cancelled', 'test');
    const cancelled = await waitFor(id, terminal);
    expect(cancelled.status).toBe('Cancelled');
    expect(cancelled.progress.succeededTasks).toBeGreaterThan(0);
    expect(cancelled.progress.succeededTasks).toBeLessThan(keys.length);
    const retried = await retry(cancelled);
    expect(retried.description).toBe(`Retry of the tasks of job ${id} that did not succeed`);
    const [a, b] = [await reportKeys(id), await reportKeys(retried.jobId)];
    expect(a.failed.concat(b.failed)).toEqual([]);
    expectEachOnce(keys, a.succeeded, b.succeeded);
  }, 180_000);

  it('retries a job that hit the failure threshold, after the permission is fixed', async () => {
    // A quarter of the keys may be tagged; the rest are denied until the deny policy is detached.
    const keys = Array.from(
      { length: 50_000 },
      (_, i) => `t/${String(i).padStart(5, '0')}-${i % 4 === 0 ? 'ok' : 'no'}`,
    );
    await seed(keys);
    await ts.server.iamAdmin.attachPolicyToRole('retry-deny-no', 'RetryRole');
    const id = await createTagJob('t/', 'AllTasks');
    const failed = await waitFor(id, terminal);
    expect(failed.status).toBe('Failed');
    const unrun = failed.progress.totalTasks - failed.progress.succeededTasks - failed.progress.failedTasks;
    expect(unrun, JSON.stringify(failed)).toBeGreaterThan(0);
    // Over the wire, the reason's numbers are the job's counters (issue 11).
    const described = await cli('api', 'describe-job', '--batch-job-id', id, '--output-format', 'json');
    const job = (JSON.parse(described.stdout) as { DescribeJobResult: { Job: Record<string, unknown> } })
      .DescribeJobResult.Job as {
      ProgressSummary: { NumberOfTasksFailed: string; NumberOfTasksSucceeded: string };
      FailureReasons: { JobFailure: { FailureReason: string }[] };
    };
    const f = Number(job.ProgressSummary.NumberOfTasksFailed);
    const ran = f + Number(job.ProgressSummary.NumberOfTasksSucceeded);
    expect(job.FailureReasons.JobFailure[0]?.FailureReason).toMatch(
      new RegExp(`^${f} of ${ran} tasks failed `),
    );

    await ts.server.iamAdmin.detachPolicyFromRole('retry-deny-no', 'RetryRole');
    const retried = await retry(failed);
    expect(retried.progress.failedTasks).toBe(0);
    const [a, b] = [await reportKeys(id), await reportKeys(retried.jobId)];
    expect(a.failed.length).toBe(failed.progress.failedTasks);
    expectEachOnce(keys, a.succeeded, b.succeeded);
  }, 180_000);

  it('with a FailedTasksOnly report, retries exactly the failed and the never-run tasks', async () => {
    const keys = Array.from(
      { length: 30_000 },
      (_, i) => `f/${String(i).padStart(5, '0')}-${i % 4 === 0 ? 'ok' : 'no'}`,
    );
    await seed(keys);
    await ts.server.iamAdmin.attachPolicyToRole('retry-deny-no', 'RetryRole');
    const DENY_F = JSON.stringify({
      Version: '1',
      Statement: [
        { Effect: 'Deny', Action: ['oss:PutObjectTagging'], Resource: ['acs:oss:*:*:data/f/*-no'] },
      ],
    });
    await ts.server.iamAdmin.createPolicy({ policyName: 'deny-f', policyDocument: DENY_F });
    await ts.server.iamAdmin.attachPolicyToRole('deny-f', 'RetryRole');
    const id = await createTagJob('f/', 'FailedTasksOnly');
    const failed = await waitFor(id, terminal);
    expect(failed.status).toBe('Failed');
    await ts.server.iamAdmin.detachPolicyFromRole('deny-f', 'RetryRole');
    await ts.server.iamAdmin.detachPolicyFromRole('retry-deny-no', 'RetryRole');
    const retried = await retry(failed);
    // The retry manifest names no key twice and no key the first job tagged.
    const r = await client.retryJob(id);
    const rows = (await client.getObject(r.manifest.bucket, r.manifest.object)).toString().trim().split('\n');
    const retriedKeys = rows.map((row) => decodeURIComponent(row.split(',')[1] ?? ''));
    expect(new Set(retriedKeys).size).toBe(rows.length);
    expect(rows.length).toBe(keys.length - failed.progress.succeededTasks);
    const failedKeys = (await reportKeys(id)).failed;
    expect(failedKeys.every((k) => retriedKeys.includes(k))).toBe(true);
    expect(retried.progress.succeededTasks + failed.progress.succeededTasks).toBe(keys.length);
  }, 180_000);

  it('refuses what cannot be retried, with one line and exit 1', async () => {
    await seed(['ok/1', 'ok/2']);
    const id = await createTagJob('ok/', 'AllTasks');
    await waitFor(id, terminal);
    const r = await cli('job', 'retry', id);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^ossbatch: InvalidRequest: Job .* has no task that did not succeed; there is nothing to retry\./,
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const missing = await cli('job', 'retry', 'bm9zdWNoam9i');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^ossbatch: NoSuchJob: /);
  });
});
