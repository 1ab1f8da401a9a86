import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerApiCommands } from '../../src/cli/api.js';
import { registerConfigCommand } from '../../src/cli/config-file.js';
import { registerJobCommands } from '../../src/cli/job.js';
import { registerObjectCommands } from '../../src/cli/objects.js';
import { OssBatchClient } from '../../src/client/index.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { runCli, tempHome } from './cli-harness.js';

/** The docs' "first job in five minutes", end to end through the CLI against a real server. */
const TRUST_OSS = JSON.stringify({
  Version: '1',
  Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: ['oss.aliyuncs.com'] } }],
});

let ts: TestServer;
let roleArn: string;
const home = tempHome();
const ALL = [registerApiCommands, registerJobCommands, registerObjectCommands];

beforeAll(async () => {
  ts = await startTestServer();
  roleArn = (
    await ts.server.iamAdmin.createRole({ roleName: 'CliRole', assumeRolePolicyDocument: TRUST_OSS })
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
  await ts.server.iamAdmin.createPolicy({ policyName: 'cli-role-policy', policyDocument });
  await ts.server.iamAdmin.attachPolicyToRole('cli-role-policy', 'CliRole');
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
const cli = (args: string[]) => runCli(ALL, args, { home: home.home, env: env() });

function createJobXml(manifestKey: string, etag: string): string {
  return (
    '<CreateJobRequest><Operation><PutObjectTagging><TagSet><Tag><Key>reviewed</Key><Value>yes</Value></Tag></TagSet></PutObjectTagging></Operation>' +
    '<Report><Bucket>photos</Bucket><Enabled>true</Enabled><Prefix>reports/</Prefix><ReportScope>AllTasks</ReportScope></Report>' +
    `<Manifest><Location><ETag>${etag}</ETag><Bucket>photos</Bucket><Object>${manifestKey}</Object></Location>` +
    '<Spec><Fields>Bucket,Key</Fields><Format>OSS_BatchOperations_CSV_20250611</Format></Spec></Manifest>' +
    `<Priority>10</Priority><RoleArn>${roleArn}</RoleArn></CreateJobRequest>`
  );
}

describe('a first job with the CLI', () => {
  const local = path.join(home.home, 'upload');
  const files = ['a.jpg', 'b c.jpg', 'nested/d+e.jpg', 'nested/deeper/中文,逗号.jpg'];

  it('mb, cp (directory, parallel), ls', async () => {
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(local, f)), { recursive: true });
      fs.writeFileSync(path.join(local, f), `image ${f}`);
    }
    const mb = await cli(['mb', 'oss://photos']);
    expect(mb.code, mb.stderr).toBe(0);
    const cp = await cli(['cp', local, 'oss://photos/2026', '--parallel', '3']);
    expect(cp.code, cp.stderr).toBe(0);
    expect(cp.stdout).toContain('uploaded 4 files');
    const one = await cli(['cp', path.join(local, 'a.jpg'), 'oss://photos/single/']);
    expect(one.code, one.stderr).toBe(0);
    const ls = await cli(['ls', 'oss://photos/2026/']);
    expect(ls.code, ls.stderr).toBe(0);
    for (const f of files) expect(ls.stdout).toContain(`oss://photos/2026/${f}\n`);
    expect(ls.stdout).toContain('Object Number is: 4');
    const dirs = await cli(['ls', 'oss://photos/2026/', '-d']);
    expect(dirs.stdout).toContain('oss://photos/2026/nested/\n');
    expect(dirs.stdout).toContain('Object Number is: 2');
    const c = new OssBatchClient({
      endpoint: ts.url,
      accessKeyId: ts.root.accessKeyId,
      accessKeySecret: ts.root.secret,
    });
    expect((await c.getObject('photos', '2026/nested/deeper/中文,逗号.jpg')).toString()).toBe(
      'image nested/deeper/中文,逗号.jpg',
    );
    expect((await c.headObject('photos', 'single/a.jpg')).contentType).toBe('image/jpeg');
    c.close();
  });

  it('manifest writes bucket,urlencoded-key rows with no header, job watch follows it, job report summarises', async () => {
    const m = await cli([
      'manifest',
      '--from',
      'oss://photos/2026/',
      '--to',
      'oss://photos/manifests/photos.csv',
    ]);
    expect(m.code, m.stderr).toBe(0);
    const etag = /ETag ([0-9A-Fa-f]{32})/.exec(m.stdout)?.[1] ?? '';
    expect(m.stdout).toContain('wrote 4 keys');
    const c = new OssBatchClient({
      endpoint: ts.url,
      accessKeyId: ts.root.accessKeyId,
      accessKeySecret: ts.root.secret,
    });
    const csv = (await c.getObject('photos', 'manifests/photos.csv')).toString();
    expect(csv.split('\n').filter(Boolean).sort()).toEqual(
      files.map((f) => `photos,${encodeURIComponent(`2026/${f}`)}`).sort(),
    );
    c.close();

    const created = await cli([
      'api',
      'create-job',
      '--create-job-request',
      createJobXml('manifests/photos.csv', etag),
      '--output-format',
      'json',
    ]);
    expect(created.code, created.stderr).toBe(0);
    const jobId = (JSON.parse(created.stdout) as { CreateJobResult: { JobId: string } }).CreateJobResult
      .JobId;

    const watch = await cli(['job', 'watch', jobId, '--interval', '30']);
    expect(watch.code, watch.stderr).toBe(0);
    const lines = watch.stdout.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.at(-2)).toMatch(
      new RegExp(
        `^\\d{4}-\\d\\d-\\d\\dT.*Z job ${jobId.replace(/[+/=]/g, '\\$&')} Complete done 4/4 \\(100\\.0%\\) failed 0 rate [\\d.]+/s eta \\S+$`,
      ),
    );
    expect(lines.at(-1)).toBe(`job ${jobId} Complete: 4 succeeded, 0 failed of 4 tasks`);

    const report = await cli(['job', 'report', jobId]);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toContain(`report oss://photos/reports/job-${jobId}/manifest.json`);
    expect(report.stdout).toContain('tasks: 4 succeeded');
    const json = await cli(['job', 'report', jobId, '--output', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      jobId,
      status: 'Complete',
      counts: { succeeded: 4 },
      errorCodes: {},
      firstFailed: [],
    });
  });

  it('a job with failed tasks: watch exits 1, report counts error codes, --failed-only --output csv', async () => {
    const c = new OssBatchClient({
      endpoint: ts.url,
      accessKeyId: ts.root.accessKeyId,
      accessKeySecret: ts.root.secret,
    });
    const put = await c.putObject(
      'photos',
      'manifests/broken.csv',
      'photos,2026%2Fa.jpg\nphotos,missing%2Fone.jpg\nphotos,missing%2Ftwo%2C.jpg\n',
    );
    c.close();
    const created = await cli([
      'api',
      'create-job',
      '--create-job-request',
      createJobXml('manifests/broken.csv', put.etag),
      '--output-format',
      'json',
    ]);
    expect(created.code, created.stderr).toBe(0);
    const jobId = (JSON.parse(created.stdout) as { CreateJobResult: { JobId: string } }).CreateJobResult
      .JobId;
    const watch = await cli(['job', 'watch', jobId, '--interval', '30']);
    expect(watch.code).toBe(1);
    expect(watch.stdout.trimEnd().split('\n').at(-1)).toBe(
      `job ${jobId} Complete: 1 succeeded, 2 failed of 3 tasks`,
    );
    expect(watch.stderr).toBe(`ossbatch: job ${jobId} ended Complete with 2 failed tasks\n`);

    const report = await cli(['job', 'report', jobId]);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toMatch(/tasks: (1 succeeded, 2 failed|2 failed, 1 succeeded)/);
    expect(report.stdout).toContain('errors: NoSuchKey 2');
    expect(report.stdout).toContain('oss://photos/missing/two,.jpg');
    const csv = await cli(['job', 'report', jobId, '--failed-only', '--output', 'csv']);
    expect(csv.code, csv.stderr).toBe(0);
    const rows = csv.stdout.trimEnd().split('\n');
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toMatch(/^photos,missing%2F[^,]+,,failed,NoSuchKey,404,/);
  });

  it('job report on a job without a report, and watch of an unknown job, fail with one line', async () => {
    const r = await cli(['job', 'watch', 'MzRjZGU2NGQ3YTY5NGRhMTkxZmZhYzY5OTM5YTcxYWU=', '--interval', '10']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ossbatch: NoSuchJob: .*RequestId [0-9A-F]{24}\)\n$/);
    const c = new OssBatchClient({
      endpoint: ts.url,
      accessKeyId: ts.root.accessKeyId,
      accessKeySecret: ts.root.secret,
    });
    const { jobId } = await c.createJob({
      operation: { type: 'DeleteObjectTagging' },
      source: { kind: 'prefix', sourceBucket: 'photos', prefix: 'none/' },
      roleArn,
      confirmationRequired: true,
    });
    c.close();
    const rep = await cli(['job', 'report', jobId]);
    expect(rep.code).toBe(1);
    expect(rep.stderr).toBe(
      `ossbatch: job ${jobId} wrote no report: report disabled (it was created with Report.Enabled=false)\n`,
    );
  });

  it('manifest paginates the listing (25 keys, pages of 10)', async () => {
    await ts.server.store.createBucket({
      name: 'many',
      owner: ts.root.accountId,
      acl: 'private',
      storageClass: 'Standard',
    });
    for (let i = 0; i < 25; i++) {
      await ts.server.store.putObject({
        bucket: 'many',
        key: `k/${String(i).padStart(4, '0')}`,
        body: Readable.from([Buffer.from('x')]),
      });
    }
    const m = await cli([
      'manifest',
      '--from',
      'oss://many/k/',
      '--to',
      'oss://many/m.csv',
      '--page-size',
      '10',
    ]);
    expect(m.code, m.stderr).toBe(0);
    expect(m.stdout).toContain('wrote 25 keys');
    const c = new OssBatchClient({
      endpoint: ts.url,
      accessKeyId: ts.root.accessKeyId,
      accessKeySecret: ts.root.secret,
    });
    const lines = (await c.getObject('many', 'm.csv')).toString().trimEnd().split('\n');
    c.close();
    expect(lines).toHaveLength(25);
    expect(new Set(lines).size).toBe(25);
    expect(lines[0]).toBe('many,k%2F0000');
    expect(lines[24]).toBe('many,k%2F0024');
  });

  it('cp on a TTY draws a bar with %, ETA, human sizes and rate; --help works on every command', async () => {
    const r = await runCli(ALL, ['cp', local, 'oss://photos/tty/', '--parallel', '2'], {
      home: home.home,
      env: env(),
      isTTY: true,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /100% ETA \S+ .+ \d+(\.\d)? (B|KiB)\/\d+(\.\d)? (B|KiB) \S+ (B|KiB)\/s 4\/4 files failed 0/,
    );
    expect(r.stdout).toContain('uploaded 4 files');
    for (const args of [
      ['job', 'watch'],
      ['job', 'report'],
      ['mb'],
      ['cp'],
      ['ls'],
      ['rm'],
      ['stat'],
      ['cat'],
      ['job', 'retry'],
      ['job', 'confirm'],
      ['job', 'cancel'],
      ['manifest'],
      ['config'],
      ['job'],
      ['api'],
    ]) {
      const h = await runCli([...ALL, registerConfigCommand], [...args, '--help'], { home: home.home });
      expect(h.code, args.join(' ')).toBe(0);
      expect(h.stdout).toMatch(/^Usage: ossbatch /);
    }
  });

  it('usage errors exit 2: bad oss:// URL, missing local file, --to without a key', async () => {
    expect((await cli(['mb', 'photos'])).code).toBe(2);
    expect((await cli(['cp', path.join(home.home, 'nope'), 'oss://photos/'])).code).toBe(2);
    expect((await cli(['manifest', '--from', 'oss://photos/', '--to', 'oss://photos/'])).code).toBe(2);
    expect((await cli(['job', 'watch', 'x', '--interval', 'soon'])).code).toBe(2);
    const mbTwice = await cli(['mb', 'oss://photos']);
    expect(mbTwice.code).toBe(1);
    expect(mbTwice.stderr).toMatch(/^ossbatch: BucketAlreadyExists: /);
  });
});
