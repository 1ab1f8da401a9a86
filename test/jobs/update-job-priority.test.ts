import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_STATUSES, TERMINAL_STATUSES } from '../../src/jobs/model.js';
import { createJob, createJobsEnv, driveTo, fail, ok, parse, type JobsEnv } from './jobs-env.js';

describe('UpdateJobPriority', () => {
  let env: JobsEnv;
  beforeAll(async () => {
    env = await createJobsEnv();
  });
  afterAll(async () => {
    await env.close();
  });

  it('accepts 0 and 2147483647, replies with the new priority, persists it and wakes the engine', async () => {
    const jobId = await createJob(env);
    for (const p of ['0', '2147483647', '20']) {
      env.changes.length = 0;
      const xml = await ok(env, 'updateJobPriority', { batchJobId: jobId, targetPriority: p });
      expect(xml).toBe(
        `<?xml version="1.0" encoding="UTF-8"?>\n<UpdateJobPriorityResult><JobId>${jobId}</JobId><Priority>${p}</Priority></UpdateJobPriorityResult>`,
      );
      expect((await env.repo.getJobById(jobId))?.priority).toBe(Number(p));
      expect(env.changes).toEqual([jobId]);
    }
    const described = parse(await ok(env, 'describeJob', { batchJobId: jobId }), 'DescribeJobResult');
    expect(described['Job']).toMatchObject({ Priority: '20' });
  });

  it('refuses out-of-range and non-integer priorities with 400 InvalidArgument', async () => {
    const jobId = await createJob(env);
    for (const p of ['-1', '2147483648', '99999999999', 'abc', '1.0', '1e3', ' 5']) {
      const err = await fail(env, 'updateJobPriority', { batchJobId: jobId, targetPriority: p });
      expect([err.code, err.status, err.message]).toEqual([
        'InvalidArgument',
        400,
        `The targetPriority ${JSON.stringify(p)} is invalid; it must be an integer from 0 to 2147483647.`,
      ]);
    }
    const missing = await fail(env, 'updateJobPriority', { batchJobId: jobId });
    expect([missing.code, missing.status, missing.message]).toEqual([
      'MissingArgument',
      400,
      'The targetPriority parameter is required.',
    ]);
    expect((await env.repo.getJobById(jobId))?.priority).toBe(10);
  });

  for (const status of JOB_STATUSES) {
    const terminal = TERMINAL_STATUSES.has(status);
    it(`${status} job → ${terminal ? '400 InvalidRequest' : '200'}`, async () => {
      const jobId = await createJob(env);
      await driveTo(env, jobId, status);
      const r = await (terminal ? fail : ok)(env, 'updateJobPriority', {
        batchJobId: jobId,
        targetPriority: '42',
      });
      if (terminal) {
        expect(typeof r !== 'string' && [r.code, r.status, r.message]).toEqual([
          'InvalidRequest',
          400,
          `The job status is ${status} and its priority can no longer be changed.`,
        ]);
        expect((await env.repo.getJobById(jobId))?.priority).toBe(10);
      } else {
        expect((await env.repo.getJobById(jobId))?.priority).toBe(42);
      }
    });
  }

  it('unknown job → 404 NoSuchJob; missing id → MissingArgument', async () => {
    const unknown = await fail(env, 'updateJobPriority', {
      batchJobId: 'MzRjZGU2NGQ3YTY5NGRhMTkxZmZhYzY5OTM5YTcxYWU=',
      targetPriority: '1',
    });
    expect([unknown.code, unknown.status]).toEqual(['NoSuchJob', 404]);
    const missing = await fail(env, 'updateJobPriority', { targetPriority: '1' });
    expect([missing.code, missing.status]).toEqual(['MissingArgument', 400]);
  });
});
