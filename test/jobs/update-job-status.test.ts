import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { JOB_STATUSES, type JobStatus } from '../../src/jobs/model.js';
import { createJob, createJobsEnv, driveTo, fail, ok, parse, type JobsEnv } from './jobs-env.js';

/**
 * The complete UpdateJobStatus table (spec §6, §7.3): every current status × requested status. The
 * expectations are written out here by hand from the spec, not derived from the code under test.
 */
const CANCEL_REFUSED: readonly JobStatus[] = [
  'Cancelled',
  'Cancelling',
  'Complete',
  'Completing',
  'Failed',
  'Failing',
];
type Expected =
  | { reply: JobStatus; preConfirmed?: boolean }
  | { code: 'InvalidRequest' | 'InvalidArgument'; status: 400; message: string };

function expected(current: JobStatus, requested: string): Expected {
  if (requested !== 'Ready' && requested !== 'Cancelled') {
    return {
      code: 'InvalidArgument',
      status: 400,
      message: `The requestedJobStatus "${requested}" is invalid; it must be Ready or Cancelled.`,
    };
  }
  const refused = {
    code: 'InvalidRequest',
    status: 400,
    message: `The job status is ${current} and cannot be changed to ${requested}.`,
  } as const;
  if (requested === 'Ready') {
    if (current === 'Suspended') return { reply: 'Ready' };
    if (current === 'Preparing') return { reply: 'Preparing', preConfirmed: true };
    return refused;
  }
  return CANCEL_REFUSED.includes(current) ? refused : { reply: 'Cancelling' };
}

const REQUESTED = ['Ready', 'Cancelled', 'Paused', 'Complete', 'bogus'] as const;

describe('UpdateJobStatus transition table', () => {
  // One database for the 65 cases: each case creates its own job, so they cannot disturb each other.
  let env: JobsEnv;
  beforeAll(async () => {
    env = await createJobsEnv();
  });
  afterAll(async () => {
    await env.close();
  });

  for (const current of JOB_STATUSES) {
    for (const requested of REQUESTED) {
      const exp = expected(current, requested);
      const label = 'reply' in exp ? `200 ${exp.reply}` : `${exp.status} ${exp.code}`;
      it(`${current} + requestedJobStatus=${requested} → ${label}`, async () => {
        const jobId = await createJob(env);
        await driveTo(env, jobId, current);
        const before = await env.repo.getJobById(jobId);
        expect(before?.status).toBe(current);
        env.changes.length = 0;
        const query = { batchJobId: jobId, requestedJobStatus: requested, statusUpdateReason: 'because' };
        if ('reply' in exp) {
          const xml = await ok(env, 'updateJobStatus', query);
          expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<UpdateJobStatusResult><JobId>/);
          expect(parse(xml, 'UpdateJobStatusResult')).toEqual({
            JobId: jobId,
            Status: exp.reply,
            StatusUpdateReason: 'because',
          });
          const after = await env.repo.getJobById(jobId);
          expect(after?.status).toBe(exp.reply);
          expect(after?.preConfirmed).toBe(exp.preConfirmed ?? false);
          expect(after?.statusUpdateReason).toBe('because');
          expect(after?.version).toBeGreaterThan(before?.version ?? Infinity);
          expect(env.changes).toEqual([jobId]);
        } else {
          const err = await fail(env, 'updateJobStatus', query);
          expect({ code: err.code, status: err.status, message: err.message }).toEqual(exp);
          const after = await env.repo.getJobById(jobId);
          expect(after).toEqual(before);
          expect(env.changes).toEqual([]);
        }
      });
    }
  }
});

describe('UpdateJobStatus parameters', () => {
  let env: JobsEnv;
  let jobId: string;
  beforeEach(async () => {
    env = await createJobsEnv();
    jobId = await createJob(env);
  });
  afterEach(async () => {
    await env.close();
  });

  it('statusUpdateReason is optional; without it the reply carries the previous reason', async () => {
    await driveTo(env, jobId, 'Suspended');
    await env.repo.setStatusReason(jobId, 'awaiting confirmation');
    const xml = await ok(env, 'updateJobStatus', { batchJobId: jobId, requestedJobStatus: 'Ready' });
    expect(parse(xml, 'UpdateJobStatusResult')).toEqual({
      JobId: jobId,
      Status: 'Ready',
      StatusUpdateReason: 'awaiting confirmation',
    });
  });

  it('statusUpdateReason of 256 characters is accepted, 257 and empty are refused', async () => {
    const reason = '理'.repeat(256);
    const xml = await ok(env, 'updateJobStatus', {
      batchJobId: jobId,
      requestedJobStatus: 'Cancelled',
      statusUpdateReason: reason,
    });
    expect(parse(xml, 'UpdateJobStatusResult')['StatusUpdateReason']).toBe(reason);
    const other = await createJob(env);
    for (const bad of ['x'.repeat(257), '']) {
      const err = await fail(env, 'updateJobStatus', {
        batchJobId: other,
        requestedJobStatus: 'Cancelled',
        statusUpdateReason: bad,
      });
      expect(err.code).toBe('InvalidArgument');
      expect(err.message).toBe(`The statusUpdateReason must be 1 to 256 characters long; got ${bad.length}.`);
    }
    expect((await env.repo.getJobById(other))?.status).toBe('New');
  });

  it('requestedJobStatus is case-sensitive and required', async () => {
    expect(
      (await fail(env, 'updateJobStatus', { batchJobId: jobId, requestedJobStatus: 'cancelled' })).code,
    ).toBe('InvalidArgument');
    const missing = await fail(env, 'updateJobStatus', { batchJobId: jobId });
    expect([missing.code, missing.status, missing.message]).toEqual([
      'MissingArgument',
      400,
      'The requestedJobStatus parameter is required.',
    ]);
  });

  it('missing, malformed and unknown job ids', async () => {
    const missing = await fail(env, 'updateJobStatus', { requestedJobStatus: 'Cancelled' });
    expect([missing.code, missing.status, missing.message]).toEqual([
      'MissingArgument',
      400,
      'The batchJobId parameter is required.',
    ]);
    const malformed = await fail(env, 'updateJobStatus', {
      batchJobId: 'a b',
      requestedJobStatus: 'Cancelled',
    });
    expect([malformed.code, malformed.status]).toEqual(['InvalidArgument', 400]);
    const unknown = await fail(env, 'updateJobStatus', {
      batchJobId: 'OTliNzRjYzE3OGM0NDlmZmI5MzZlZmQ0OGUxZDA5Zjk=',
      requestedJobStatus: 'Cancelled',
    });
    expect([unknown.code, unknown.status, unknown.ec]).toEqual(['NoSuchJob', 404, '0017-00000404']);
    expect(unknown.message).toBe(
      'The specified job OTliNzRjYzE3OGM0NDlmZmI5MzZlZmQ0OGUxZDA5Zjk= does not exist.',
    );
  });

  it('cancelling an Active job closes its Active stint', async () => {
    await driveTo(env, jobId, 'Active');
    env.clock.advance(7_500);
    await ok(env, 'updateJobStatus', { batchJobId: jobId, requestedJobStatus: 'Cancelled' });
    const job = await env.repo.getJobById(jobId);
    expect([job?.status, job?.activeMs, job?.activeSince, job?.terminatedAt]).toEqual([
      'Cancelling',
      7_500,
      null,
      null,
    ]);
  });

  it('Ready during Preparing makes the planner skip Suspended: entering Suspended is refused once pre-confirmed', async () => {
    await driveTo(env, jobId, 'Preparing');
    await ok(env, 'updateJobStatus', { batchJobId: jobId, requestedJobStatus: 'Ready' });
    expect(
      await env.repo.transition({ jobId, from: ['Preparing'], to: 'Suspended', now: env.clock.now() }),
    ).toBeUndefined();
    expect(
      (await env.repo.transition({ jobId, from: ['Preparing'], to: 'Ready', now: env.clock.now() }))?.status,
    ).toBe('Ready');
  });
});
