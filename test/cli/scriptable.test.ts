/**
 * Issue 11, what scripts and people at a terminal meet (real `ossbatch` processes against a real server):
 * empty repeated elements are arrays, one --output-format flag, "did you mean", validated config with
 * profiles, jobs that do nothing, job report's reasons, job confirm/cancel and watch on a Suspended job.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OssBatchClient, type Job } from '../../src/client/index.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { BIN, REPO, cleanEnv, ensureBuilt, runOssbatch } from '../helpers/cli-process.js';

const TRUST_OSS = JSON.stringify({
  Version: '1',
  Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: ['oss.aliyuncs.com'] } }],
});

let ts: TestServer;
let client: OssBatchClient;
let roleArn: string;
let home: string;

beforeAll(async () => {
  ensureBuilt();
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-scriptable-'));
  ts = await startTestServer();
  client = new OssBatchClient({
    endpoint: ts.url,
    accessKeyId: ts.root.accessKeyId,
    accessKeySecret: ts.root.secret,
    addressing: 'path',
  });
  await client.putBucket('data');
  await client.putBucket('reports');
  await client.putObject('data', 'p/one', '1');
  const iam = ts.server.iamAdmin;
  roleArn = (await iam.createRole({ roleName: 'ScriptRole', assumeRolePolicyDocument: TRUST_OSS })).Arn;
  await iam.createPolicy({
    policyName: 'script-all',
    policyDocument: JSON.stringify({
      Version: '1',
      Statement: [{ Effect: 'Allow', Action: ['oss:*'], Resource: ['*'] }],
    }),
  });
  await iam.attachPolicyToRole('script-all', 'ScriptRole');
}, 120_000);
afterAll(async () => {
  client.close();
  await ts.close();
  fs.rmSync(home, { recursive: true, force: true });
});

const configFile = (): string => path.join(home, 'config');
const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv =>
  cleanEnv({
    OSSBATCH_CONFIG: configFile(),
    OSS_ENDPOINT: ts.url,
    OSS_ACCESS_KEY_ID: ts.root.accessKeyId,
    OSS_ACCESS_KEY_SECRET: ts.root.secret,
    ...extra,
  });
const cli = (...args: string[]) => runOssbatch(args, { env: env() });

async function prefixJob(
  prefix: string,
  opts: { confirm?: boolean; report?: boolean } = {},
): Promise<string> {
  const { jobId } = await client.createJob({
    operation: { type: 'PutObjectTagging', tags: [{ key: 's', value: '1' }] },
    source: { kind: 'prefix', sourceBucket: 'data', prefix },
    roleArn,
    report:
      opts.report === false
        ? { enabled: false }
        : { enabled: true, bucket: 'reports', prefix: 'r/', scope: 'AllTasks' },
    confirmationRequired: opts.confirm ?? false,
  });
  return jobId;
}

async function waitFor(jobId: string, done: (j: Job) => boolean): Promise<Job> {
  const until = Date.now() + 30_000;
  for (;;) {
    const job = await client.describeJob(jobId);
    if (done(job)) return job;
    if (Date.now() > until) throw new Error(`job ${jobId} stuck in ${job.status}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
const terminal = (j: Job): boolean => ['Complete', 'Cancelled', 'Failed'].includes(j.status);

describe('scriptable output', () => {
  it('empty repeated elements are arrays in json and yaml', async () => {
    const none = await cli('api', 'list-jobs', '--batch-job-statuses', 'Failing', '--output-format', 'json');
    expect(none.status, none.stderr).toBe(0);
    expect(JSON.parse(none.stdout).ListJobsResult.Jobs.JobListDescriptor).toEqual([]);
    const yaml = await cli('api', 'list-jobs', '--batch-job-statuses', 'Failing', '--output-format', 'yaml');
    expect(yaml.stdout).toMatch(/JobListDescriptor: \[\]/);

    const id = await prefixJob('p/');
    await waitFor(id, terminal);
    const d = await cli('api', 'describe-job', '--batch-job-id', id, '--output-format', 'json');
    expect(JSON.parse(d.stdout).DescribeJobResult.Job.FailureReasons.JobFailure).toEqual([]);
  });

  it.each([
    [['job', 'wach', 'x'], "unknown command 'wach' (Did you mean watch?)"],
    [['lss'], "unknown command 'lss' (Did you mean ls?)"],
    [['api', 'list-jobs', '--max-key', '3'], "unknown option '--max-key' (Did you mean --max-keys?)"],
    [
      ['job', 'report', 'x', '--output-formt', 'json'],
      "unknown option '--output-formt' (Did you mean --output-format?)",
    ],
  ])('%j suggests the closest name on one line, exit 2', async (args, message) => {
    const r = await runOssbatch(args, { env: env() });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`ossbatch: ${message}\n`);
  });

  it('config refuses a bad endpoint and keeps named profiles apart', async () => {
    const bad = await cli('config', '--endpoint', 'ftp://127.0.0.1:9600', '--access-key-id', 'a');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe(
      'ossbatch: --endpoint: endpoint ftp://127.0.0.1:9600: only http and https are supported\n',
    );
    expect(fs.existsSync(configFile())).toBe(false);
    for (const args of [
      ['--endpoint', 'http://127.0.0.1:9600/some/path'],
      ['--region', 'Not A Region'],
      ['--access-key-id', 'has space'],
    ]) {
      const r = await cli('config', ...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(fs.existsSync(configFile())).toBe(false);
    }
    const unset = { OSS_ENDPOINT: '', OSS_ACCESS_KEY_ID: '', OSS_ACCESS_KEY_SECRET: '' };
    const write = await runOssbatch(
      [
        'config',
        '--profile',
        'staging',
        '--endpoint',
        ts.url,
        '--access-key-id',
        ts.root.accessKeyId,
        '--access-key-secret',
        ts.root.secret,
      ],
      { env: env(unset) },
    );
    expect(write.status, write.stderr).toBe(0);
    await runOssbatch(
      ['config', '--endpoint', 'http://127.0.0.1:1', '--access-key-id', 'x', '--access-key-secret', 'y'],
      { env: env(unset) },
    );
    const staged = await runOssbatch(
      ['api', 'list-jobs', '--profile', 'staging', '--output-format', 'json'],
      { env: env(unset) },
    );
    expect(staged.status, staged.stderr).toBe(0);
    const viaEnv = await runOssbatch(['ls'], { env: env({ ...unset, OSSBATCH_PROFILE: 'staging' }) });
    expect(viaEnv.status, viaEnv.stderr).toBe(0);
    const shown = await runOssbatch(['config', '--show'], { env: env(unset) });
    expect(shown.stdout).toContain('endpoint = http://127.0.0.1:1');
    const missing = await runOssbatch(['ls', '--profile', 'nope'], { env: env(unset) });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^ossbatch: no profile "nope" in /);
    expect(fs.statSync(configFile()).mode & 0o777).toBe(0o600);
  });
});

describe('jobs that do nothing, and job report', () => {
  it('create-job warns once the job is planned with 0 tasks; watch says 0 tasks', async () => {
    const request = JSON.stringify({
      Operation: { PutObjectTagging: { TagSet: [{ Key: 'a', Value: 'b' }] } },
      KeyPrefixManifestGenerator: { SourceBucket: 'data', Prefix: 'typo/' },
      Report: { Bucket: 'reports', Enabled: true, Prefix: 'r/', ReportScope: 'AllTasks' },
      RoleArn: roleArn,
    });
    const created = await cli(
      'api',
      'create-job',
      '--create-job-request',
      request,
      '--output-format',
      'json',
    );
    expect(created.status, created.stderr).toBe(0);
    const jobId = JSON.parse(created.stdout).CreateJobResult.JobId as string;
    expect(created.stderr).toBe(
      `ossbatch: warning: job ${jobId} has 0 tasks: its manifest or prefix matched no objects\n`,
    );
    const watched = await cli('job', 'watch', jobId, '--interval', '50');
    expect(watched.stderr).toContain(`job ${jobId} has 0 tasks: its manifest or prefix matched no objects`);
    expect(watched.stdout).toContain('of 0 tasks (no objects matched)');
    const report = await cli('job', 'report', jobId);
    expect(report.status).toBe(1);
    expect(report.stderr).toBe(
      `ossbatch: job ${jobId} wrote no report: no task ran (it ended Complete with 0 tasks run)\n`,
    );
  });

  it('job report says "report disabled", and takes --output-format json|yaml', async () => {
    const off = await prefixJob('p/', { report: false });
    await waitFor(off, terminal);
    const r = await cli('job', 'report', off);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `ossbatch: job ${off} wrote no report: report disabled (it was created with Report.Enabled=false)\n`,
    );

    const on = await prefixJob('p/');
    await waitFor(on, terminal);
    const json = await cli('job', 'report', on, '--output-format', 'json');
    expect(json.status, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ counts: { succeeded: 1 } });
    const yaml = await cli('job', 'report', on, '--output-format', 'yaml');
    expect(yaml.stdout).toMatch(/succeeded: "?1"?/);
  });

  it('watch on a Suspended job says how to confirm it; job confirm runs it; job cancel cancels', async () => {
    const jobId = await prefixJob('p/', { confirm: true });
    const child = spawn(process.execPath, [BIN, 'job', 'watch', jobId, '--interval', '50'], {
      cwd: REPO,
      env: env(),
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const until = Date.now() + 20_000;
    while (!stderr.includes('Suspended')) {
      if (Date.now() > until) throw new Error(`no hint: ${stderr} ${stdout}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(stderr).toBe(
      `ossbatch: job ${jobId} is Suspended, waiting for confirmation: run \`ossbatch job confirm ${jobId}\` to run it (or \`ossbatch job cancel ${jobId}\`)\n`,
    );
    const confirmed = await cli('job', 'confirm', jobId);
    expect(confirmed.status, confirmed.stderr).toBe(0);
    expect(confirmed.stdout).toBe(`job ${jobId}: Ready\n`);
    expect(await exited).toBe(0);
    expect(stdout).toContain(`job ${jobId} Complete: 1 succeeded, 0 failed of 1 tasks`);

    const other = await prefixJob('p/', { confirm: true });
    await waitFor(other, (j) => j.status === 'Suspended');
    const cancelled = await cli('job', 'cancel', other, '--reason', 'not now', '--output-format', 'json');
    expect(cancelled.status, cancelled.stderr).toBe(0);
    const reply = JSON.parse(cancelled.stdout) as { jobId: string; status: string };
    expect(reply.jobId).toBe(other);
    expect(['Cancelling', 'Cancelled']).toContain(reply.status);
    expect((await waitFor(other, terminal)).status).toBe('Cancelled');
  });
});
