import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { T0, createJob, createJobsEnv, driveTo, fail, ok, parse, type JobsEnv } from './jobs-env.js';

describe('DescribeJob', () => {
  let env: JobsEnv;
  beforeAll(async () => {
    env = await createJobsEnv();
  });
  afterAll(async () => {
    await env.close();
  });

  it('a new job: every element in spec §3 order, -1 counts, empty FailureReasons, no TerminationDate, Unix seconds', async () => {
    const jobId = await createJob(env, {
      Manifest:
        '<Manifest><Location><ETag>d41d8cd98f00b204e9800998ecf8427e</ETag><Bucket>manifests</Bucket><Object>manifest.csv</Object></Location><Spec><Fields>Bucket,Key</Fields><Format>OSS_BatchOperations_CSV_20250611</Format></Spec></Manifest>',
      Description: '<Description>批量 &amp; tags</Description>',
    });
    const xml = await ok(env, 'describeJob', { batchJobId: jobId });
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<DescribeJobResult><Job>' +
        '<ConfirmationRequired>false</ConfirmationRequired>' +
        `<CreationTime>${T0 / 1000}</CreationTime>` +
        '<FailureReasons></FailureReasons>' +
        `<JobId>${jobId}</JobId>` +
        '<Operation><PutObjectTagging><TagSet><Tag><Key>k1</Key><Value>v1</Value></Tag></TagSet></PutObjectTagging></Operation>' +
        '<Report><Bucket>reports</Bucket><Enabled>true</Enabled><Prefix>out/</Prefix><ReportScope>AllTasks</ReportScope></Report>' +
        '<Manifest><Location><ETag>d41d8cd98f00b204e9800998ecf8427e</ETag><Bucket>manifests</Bucket><Object>manifest.csv</Object></Location>' +
        '<Spec><Fields>Bucket,Key</Fields><Format>OSS_BatchOperations_CSV_20250611</Format></Spec></Manifest>' +
        '<Description>批量 &amp; tags</Description>' +
        '<Priority>10</Priority>' +
        `<RoleArn>${env.roleArn}</RoleArn>` +
        '<StatusUpdateReason></StatusUpdateReason>' +
        '<ProgressSummary><NumberOfTasksFailed>-1</NumberOfTasksFailed><NumberOfTasksSucceeded>-1</NumberOfTasksSucceeded>' +
        '<Timers><ElapsedTimeInActiveSeconds>0</ElapsedTimeInActiveSeconds></Timers><TotalNumberOfTasks>-1</TotalNumberOfTasks></ProgressSummary>' +
        '<Status>New</Status>' +
        '</Job></DescribeJobResult>',
    );
  });

  it('elapsed Active time includes the running stint; counts appear once planned; TerminationDate once terminal', async () => {
    const jobId = await createJob(env);
    await driveTo(env, jobId, 'Ready');
    await env.repo.setTotalTasks(jobId, 3);
    await env.repo.transition({ jobId, from: ['Ready'], to: 'Active', now: env.clock.now() });
    env.clock.advance(65_400);
    let job = parse(await ok(env, 'describeJob', { batchJobId: jobId }), 'DescribeJobResult')['Job'];
    expect(job).toMatchObject({
      Status: 'Active',
      ProgressSummary: {
        NumberOfTasksFailed: '0',
        NumberOfTasksSucceeded: '0',
        Timers: { ElapsedTimeInActiveSeconds: '65' },
        TotalNumberOfTasks: '3',
      },
    });
    expect(job).not.toHaveProperty('TerminationDate');
    await env.repo.transition({ jobId, from: ['Active'], to: 'Completing', now: env.clock.now() });
    env.clock.advance(10_000);
    await env.repo.transition({
      jobId,
      from: ['Completing'],
      to: 'Complete',
      now: env.clock.now(),
      reason: 'Task completed successfully',
    });
    env.clock.advance(3_600_000);
    job = parse(await ok(env, 'describeJob', { batchJobId: jobId }), 'DescribeJobResult')['Job'];
    expect(job).toMatchObject({
      Status: 'Complete',
      StatusUpdateReason: 'Task completed successfully',
      ProgressSummary: { Timers: { ElapsedTimeInActiveSeconds: '65' } },
      TerminationDate: String(Math.floor((T0 + 75_400) / 1000)),
      FailureReasons: '',
    });
  });

  it('a sub-second Active stint reports ElapsedTimeInActiveSeconds 1, not 0 (0 means never Active)', async () => {
    const jobId = await createJob(env);
    await driveTo(env, jobId, 'Ready');
    await env.repo.setTotalTasks(jobId, 1);
    await env.repo.transition({ jobId, from: ['Ready'], to: 'Active', now: env.clock.now() });
    env.clock.advance(300);
    await env.repo.transition({ jobId, from: ['Active'], to: 'Completing', now: env.clock.now() });
    await env.repo.transition({ jobId, from: ['Completing'], to: 'Complete', now: env.clock.now() });
    const job = parse(await ok(env, 'describeJob', { batchJobId: jobId }), 'DescribeJobResult')['Job'];
    expect(job).toMatchObject({
      Status: 'Complete',
      ProgressSummary: { Timers: { ElapsedTimeInActiveSeconds: '1' } },
    });
  });

  it('a failed prefix job: KeyPrefixManifestGenerator echoed, one JobFailure', async () => {
    const jobId = await createJob(env, {
      Manifest: undefined,
      KeyPrefixManifestGenerator:
        '<KeyPrefixManifestGenerator><SourceBucket>source</SourceBucket><Prefix>data/</Prefix></KeyPrefixManifestGenerator>',
      Operation: '<Operation><RestoreObject><Days>7</Days><Tier>Standard</Tier></RestoreObject></Operation>',
      Report: undefined,
    });
    await driveTo(env, jobId, 'Preparing');
    await env.repo.transition({
      jobId,
      from: ['Preparing'],
      to: 'Failing',
      now: env.clock.now(),
      failure: { code: 'InternalError', reason: 'Internal service error' },
    });
    await env.repo.transition({ jobId, from: ['Failing'], to: 'Failed', now: env.clock.now() });
    const xml = await ok(env, 'describeJob', { batchJobId: jobId });
    expect(xml).toContain(
      '<FailureReasons><JobFailure><FailureCode>InternalError</FailureCode><FailureReason>Internal service error</FailureReason></JobFailure></FailureReasons>',
    );
    expect(xml).toContain(
      '<Operation><RestoreObject><Days>7</Days><Tier>Standard</Tier></RestoreObject></Operation>',
    );
    expect(xml).toContain(
      '<Report><Enabled>false</Enabled><ReportScope>AllTasks</ReportScope></Report><KeyPrefixManifestGenerator><SourceBucket>source</SourceBucket><Prefix>data/</Prefix></KeyPrefixManifestGenerator><Description>',
    );
    expect(xml).not.toContain('<Manifest>');
    expect(xml).toContain(
      `<Status>Failed</Status><TerminationDate>${Math.floor(env.clock.now() / 1000)}</TerminationDate></Job>`,
    );
  });

  it('echoes PutObjectAcl, AddObjectTagging and DeleteObjectTagging', async () => {
    const ops: [string, string][] = [
      [
        '<Operation><PutObjectAcl><ObjectAcl>public-read</ObjectAcl></PutObjectAcl></Operation>',
        '<PutObjectAcl><ObjectAcl>public-read</ObjectAcl></PutObjectAcl>',
      ],
      [
        '<Operation><AddObjectTagging><TagSet><Tag><Key>a b</Key><Value></Value></Tag></TagSet></AddObjectTagging></Operation>',
        '<AddObjectTagging><TagSet><Tag><Key>a b</Key><Value></Value></Tag></TagSet></AddObjectTagging>',
      ],
      ['<Operation><DeleteObjectTagging/></Operation>', '<DeleteObjectTagging></DeleteObjectTagging>'],
    ];
    for (const [op, echo] of ops) {
      const jobId = await createJob(env, { Operation: op });
      expect(await ok(env, 'describeJob', { batchJobId: jobId })).toContain(`<Operation>${echo}</Operation>`);
    }
  });

  it('missing id → MissingArgument; unknown id → NoSuchJob', async () => {
    const missing = await fail(env, 'describeJob', {});
    expect([missing.code, missing.status]).toEqual(['MissingArgument', 400]);
    const unknown = await fail(env, 'describeJob', { batchJobId: 'testJob123' });
    expect([unknown.code, unknown.status, unknown.message]).toEqual([
      'NoSuchJob',
      404,
      'The specified job testJob123 does not exist.',
    ]);
  });
});
