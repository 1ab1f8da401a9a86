import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/iam/index.js';
import type { Op } from './jobs-env.js';
import { createBody, createJob, createJobsEnv, fail, ok, ramUser, type JobsEnv } from './jobs-env.js';

const ACTIONS: Record<Op, string> = {
  createJob: 'oss:CreateJob',
  describeJob: 'oss:DescribeJob',
  listJobs: 'oss:ListJobs',
  updateJobPriority: 'oss:UpdateJobPriority',
  updateJobStatus: 'oss:UpdateJobStatus',
};
const OPS = Object.keys(ACTIONS) as Op[];

describe('job API permissions', () => {
  let env: JobsEnv;
  let jobId: string;
  let foreignJobId: string;
  beforeAll(async () => {
    env = await createJobsEnv();
    jobId = await createJob(env);
    const spec = (await env.repo.getJobById(jobId))?.spec;
    if (!spec) throw new Error('no job');
    foreignJobId = 'Zm9yZWlnbmpvYjAwMDAwMDAwMDAwMDAwMDAwMDAwMDA=';
    await env.repo.createJob({
      jobId: foreignJobId,
      accountId: '999999',
      spec,
      requestHash: 'x',
      now: env.clock.now(),
    });
  });
  afterAll(async () => {
    await env.close();
  });

  /** Arguments that make each operation succeed for an allowed caller. */
  const args = (op: Op): [Record<string, string>, string] => {
    switch (op) {
      case 'createJob':
        return [{}, createBody(env.roleArn)];
      case 'describeJob':
        return [{ batchJobId: jobId }, ''];
      case 'listJobs':
        return [{}, ''];
      case 'updateJobPriority':
        return [{ batchJobId: jobId, targetPriority: '3' }, ''];
      case 'updateJobStatus':
        return [{ batchJobId: jobId, requestedJobStatus: 'Ready' }, ''];
    }
  };

  it('anonymous callers are refused every operation with 403 AccessDenied', async () => {
    const anon: Principal = { kind: 'anonymous' };
    for (const op of OPS) {
      const err = await fail(env, op, ...args(op), anon);
      expect([err.code, err.status]).toEqual(['AccessDenied', 403]);
    }
  });

  it('a RAM user without oss:*Job permissions gets 403 for each operation, before any validation', async () => {
    const user = await ramUser(env, 'nobody', {
      Version: '1',
      Statement: [{ Effect: 'Allow', Action: 'oss:GetObject', Resource: '*' }],
    });
    for (const op of OPS) {
      const err = await fail(env, op, {}, '', user);
      expect([err.code, err.status, err.message]).toEqual([
        'AccessDenied',
        403,
        `You are not allowed to perform ${ACTIONS[op]} on the jobs of account ${env.accountId}.`,
      ]);
    }
  });

  it('a RAM user allowed only oss:DescribeJob can describe but not list', async () => {
    const user = await ramUser(env, 'reader', {
      Version: '1',
      Statement: [{ Effect: 'Allow', Action: 'oss:DescribeJob', Resource: 'acs:oss:*:*:*' }],
    });
    await ok(env, 'describeJob', { batchJobId: jobId }, '', user);
    expect((await fail(env, 'listJobs', {}, '', user)).code).toBe('AccessDenied');
  });

  it('an explicit Deny wins over an Allow', async () => {
    const user = await ramUser(env, 'denied', {
      Version: '1',
      Statement: [
        { Effect: 'Allow', Action: 'oss:*', Resource: '*' },
        { Effect: 'Deny', Action: 'oss:CreateJob', Resource: '*' },
      ],
    });
    expect((await fail(env, 'createJob', ...args('createJob'), user)).code).toBe('AccessDenied');
    await ok(env, 'listJobs', {}, '', user);
  });

  it('a RAM user with an allow policy for all five actions can call them all on its account jobs', async () => {
    const user = await ramUser(env, 'operator', {
      Version: '1',
      Statement: [
        {
          Effect: 'Allow',
          Action: Object.values(ACTIONS),
          Resource: `acs:oss:cn-hangzhou:${env.accountId}:*`,
        },
      ],
    });
    await env.repo.transition({ jobId, from: ['New'], to: 'Preparing', now: env.clock.now() });
    for (const op of OPS) await ok(env, op, ...args(op), user);
    expect((await env.repo.getJobById(jobId))?.preConfirmed).toBe(true);
  });

  it('a bucket policy of one of the account buckets can grant the job actions (spec §8.2 "RAM Policy or Bucket Policy")', async () => {
    const user = await ramUser(env, 'bucketgranted');
    if (user.kind !== 'user') throw new Error('not a user');
    expect((await fail(env, 'listJobs', {}, '', user)).code).toBe('AccessDenied');
    const statement = (effect: string, action: string[]) => ({
      Effect: effect,
      Principal: [user.userId],
      Action: action,
      Resource: ['acs:oss:*:*:reports', 'acs:oss:*:*:reports/*'],
    });
    await env.store.setBucketPolicy(
      'reports',
      JSON.stringify({ Version: '1', Statement: [statement('Allow', ['oss:ListJobs', 'oss:DescribeJob'])] }),
    );
    try {
      await ok(env, 'listJobs', {}, '', user);
      await ok(env, 'describeJob', { batchJobId: jobId }, '', user);
      expect((await fail(env, 'createJob', ...args('createJob'), user)).code).toBe('AccessDenied');
      await env.store.setBucketPolicy(
        'reports',
        JSON.stringify({
          Version: '1',
          Statement: [statement('Allow', ['oss:ListJobs']), statement('Deny', ['oss:ListJobs'])],
        }),
      );
      expect((await fail(env, 'listJobs', {}, '', user)).code).toBe('AccessDenied');
    } finally {
      await env.store.setBucketPolicy('reports', null);
    }
  });

  it('a RAM policy scoped to one bucket does not grant the account-wide job APIs, even once that bucket has a policy', async () => {
    const user = await ramUser(env, 'bucketscoped', {
      Version: '1',
      Statement: [
        { Effect: 'Allow', Action: 'oss:*', Resource: ['acs:oss:*:*:reports', 'acs:oss:*:*:reports/*'] },
      ],
    });
    const cancel = { batchJobId: jobId, requestedJobStatus: 'Cancelled' };
    expect((await fail(env, 'updateJobStatus', cancel, '', user)).code).toBe('AccessDenied');
    // An unrelated bucket policy (granting someone else GetObject) must not turn the RAM Allow into a job grant.
    await env.store.setBucketPolicy(
      'reports',
      JSON.stringify({
        Version: '1',
        Statement: [
          {
            Effect: 'Allow',
            Principal: ['*'],
            Action: ['oss:GetObject'],
            Resource: ['acs:oss:*:*:reports/*'],
          },
        ],
      }),
    );
    try {
      for (const op of OPS) expect((await fail(env, op, ...args(op), user)).code).toBe('AccessDenied');
      expect((await fail(env, 'updateJobStatus', cancel, '', user)).code).toBe('AccessDenied');
    } finally {
      await env.store.setBucketPolicy('reports', null);
    }
  });

  it("another account's job is NoSuchJob for describe, priority and status, and absent from lists", async () => {
    for (const [op, query] of [
      ['describeJob', { batchJobId: foreignJobId }],
      ['updateJobPriority', { batchJobId: foreignJobId, targetPriority: '1' }],
      ['updateJobStatus', { batchJobId: foreignJobId, requestedJobStatus: 'Cancelled' }],
    ] as const) {
      const err = await fail(env, op, query);
      expect([err.code, err.status]).toEqual(['NoSuchJob', 404]);
    }
    expect(await ok(env, 'listJobs', { 'max-keys': '1000' })).not.toContain(foreignJobId);
    const foreign = await env.repo.getJobById(foreignJobId);
    expect([foreign?.status, foreign?.priority]).toEqual(['New', 10]);
  });
});
