import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finalLine, plainLine, progressOf } from '../../src/cli/job-watch.js';
import { registerJobCommands } from '../../src/cli/job.js';
import { registerObjectCommands } from '../../src/cli/objects.js';
import { OssBatchClient, type Job } from '../../src/client/index.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { runCli, tempHome } from './cli-harness.js';

const TRUST_OSS = JSON.stringify({
  Version: '1',
  Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: ['oss.aliyuncs.com'] } }],
});

const job = (status: Job['status'], total: number, ok: number, failed: number): Job => ({
  jobId: 'J=',
  status,
  priority: 0,
  confirmationRequired: false,
  creationTime: 1,
  progress: { totalTasks: total, succeededTasks: ok, failedTasks: failed, elapsedActiveSeconds: 0 },
  failures: [],
});

describe('watch progress maths and lines', () => {
  it('rate and ETA from the first sample; unknown totals print ?', () => {
    const p = progressOf(job('Active', 1000, 300, 20), { at: 0, done: 120 }, 10_000);
    expect(p).toEqual({ done: 320, total: 1000, failed: 20, ratePerSecond: 20, etaSeconds: 34 });
    expect(plainLine(job('Active', 1000, 300, 20), p, Date.UTC(2026, 0, 1))).toBe(
      '2026-01-01T00:00:00.000Z job J= Active done 320/1000 (32.0%) failed 20 rate 20.0/s eta 34s\n',
    );
    const unknown = progressOf(job('Preparing', -1, -1, -1), { at: 0, done: 0 }, 0);
    expect(unknown).toEqual({ done: 0, total: -1, failed: 0, ratePerSecond: 0, etaSeconds: undefined });
    expect(plainLine(job('Preparing', -1, -1, -1), unknown, 0)).toContain(
      'done 0/? failed 0 rate 0.0/s eta ?',
    );
    expect(
      finalLine({ ...job('Failed', -1, -1, -1), failures: [{ code: 'ManifestNotFound', reason: 'gone' }] }),
    ).toBe('job J= Failed: 0 succeeded, 0 failed of ? tasks; ManifestNotFound: gone\n');
  });
});

describe('job watch against the server', () => {
  let ts: TestServer;
  let roleArn: string;
  const home = tempHome();
  beforeAll(async () => {
    ts = await startTestServer();
    roleArn = (
      await ts.server.iamAdmin.createRole({ roleName: 'WatchRole', assumeRolePolicyDocument: TRUST_OSS })
    ).Arn;
    await ts.server.iamAdmin.createPolicy({
      policyName: 'watch-policy',
      policyDocument: JSON.stringify({
        Version: '1',
        Statement: [
          { Effect: 'Allow', Action: ['oss:ListObjects', 'oss:PutObjectAcl'], Resource: ['acs:oss:*:*:*'] },
        ],
      }),
    });
    await ts.server.iamAdmin.attachPolicyToRole('watch-policy', 'WatchRole');
  });
  afterAll(async () => {
    await ts.close();
    home.cleanup();
  });
  const env = (): Record<string, string> => ({
    OSS_ENDPOINT: ts.url,
    OSS_ACCESS_KEY_ID: ts.root.accessKeyId,
    OSS_ACCESS_KEY_SECRET: ts.root.secret,
  });

  it('on a TTY draws a progress bar and exits 0 for Complete', async () => {
    const mb = await runCli([registerObjectCommands], ['mb', 'oss://watched'], {
      home: home.home,
      env: env(),
    });
    expect(mb.code, mb.stderr).toBe(0);
    const c = new OssBatchClient({
      endpoint: ts.url,
      accessKeyId: ts.root.accessKeyId,
      accessKeySecret: ts.root.secret,
    });
    for (const k of ['a', 'b', 'c']) await c.putObject('watched', `x/${k}`, k);
    const { jobId } = await c.createJob({
      operation: { type: 'PutObjectAcl', acl: 'public-read' },
      source: { kind: 'prefix', sourceBucket: 'watched', prefix: 'x/' },
      roleArn,
    });
    c.close();
    const r = await runCli([registerJobCommands], ['job', 'watch', jobId, '--interval', '20'], {
      home: home.home,
      env: env(),
      isTTY: true,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('3/3 tasks');
    // Status, percentage and ETA lead the line: an 80-column terminal cuts the end, never those.
    expect(r.stdout).toMatch(/Complete 100% ETA \S+ .+ 3\/3 tasks [\d.]+\/s failed 0/);
    expect(r.stdout).not.toContain('NULL');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(
      `job ${jobId} Complete: 3 succeeded, 0 failed of 3 tasks`,
    );
  });

  it('a cancelled job ends the watch with exit 1', async () => {
    const c = new OssBatchClient({
      endpoint: ts.url,
      accessKeyId: ts.root.accessKeyId,
      accessKeySecret: ts.root.secret,
    });
    const { jobId } = await c.createJob({
      operation: { type: 'PutObjectAcl', acl: 'private' },
      source: { kind: 'prefix', sourceBucket: 'watched', prefix: 'x/' },
      roleArn,
      confirmationRequired: true,
    });
    await c.updateJobStatus(jobId, 'Cancelled', 'changed my mind');
    c.close();
    const r = await runCli([registerJobCommands], ['job', 'watch', jobId, '--interval', '20'], {
      home: home.home,
      env: env(),
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`job ${jobId} Cancelled`);
    expect(r.stderr).toMatch(/^ossbatch: job .* ended Cancelled with 0 failed tasks\n$/);
  });
});
