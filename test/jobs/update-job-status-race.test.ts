import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobsApi } from '../../src/jobs/oss-codec/index.js';
import type { JobRepo } from '../../src/jobs/job-repo.js';
import type { JobStatus } from '../../src/jobs/model.js';
import { isOssError } from '../../src/protocol/oss-error.js';
import { createJob, createJobsEnv, driveTo, parse, request, type JobsEnv } from './jobs-env.js';

/**
 * The engine moving a job between UpdateJobStatus's read and its compare-and-set write. The repo is the
 * real SQLite one; the "engine" is a real transition run just before the API's first write lands.
 */
function racingRepo(repo: JobRepo, moves: { from: JobStatus; to: JobStatus }[], now: () => number): JobRepo {
  const pending = [...moves];
  const engineStep = async (jobId: string): Promise<void> => {
    const move = pending.shift();
    if (move) await repo.transition({ jobId, from: [move.from], to: move.to, now: now() });
  };
  return {
    ...repo,
    transition: async (input) => {
      await engineStep(input.jobId);
      return repo.transition(input);
    },
    markPreConfirmed: async (jobId, reason) => {
      await engineStep(jobId);
      return repo.markPreConfirmed(jobId, reason);
    },
  } satisfies JobRepo;
}

describe('UpdateJobStatus under a concurrent engine move', () => {
  let env: JobsEnv;
  beforeAll(async () => {
    env = await createJobsEnv();
  });
  afterAll(async () => {
    await env.close();
  });
  const apiWith = (moves: { from: JobStatus; to: JobStatus }[]) =>
    createJobsApi({
      repo: racingRepo(env.repo, moves, () => env.clock.now()),
      iam: env.iam,
      store: env.store,
      clock: env.clock,
      region: 'cn-hangzhou',
    });

  it('Ready while the planner moves Preparing → Suspended: re-decides and confirms (→ Ready)', async () => {
    const jobId = await createJob(env);
    await driveTo(env, jobId, 'Preparing');
    const api = apiWith([{ from: 'Preparing', to: 'Suspended' }]);
    const xml = await api.updateJobStatus(
      request(env.root, { batchJobId: jobId, requestedJobStatus: 'Ready' }),
    );
    expect(parse(xml, 'UpdateJobStatusResult')['Status']).toBe('Ready');
    expect((await env.repo.getJobById(jobId))?.status).toBe('Ready');
  });

  it('Cancelled while the scheduler moves Ready → Active: re-decides (→ Cancelling) and closes the Active stint', async () => {
    const jobId = await createJob(env);
    await driveTo(env, jobId, 'Ready');
    const api = apiWith([{ from: 'Ready', to: 'Active' }]);
    const xml = await api.updateJobStatus(
      request(env.root, { batchJobId: jobId, requestedJobStatus: 'Cancelled' }),
    );
    expect(parse(xml, 'UpdateJobStatusResult')['Status']).toBe('Cancelling');
    const job = await env.repo.getJobById(jobId);
    expect([job?.status, job?.activeSince]).toEqual(['Cancelling', null]);
  });

  it('Cancelled while the job settles Completing → Complete: the second decision refuses', async () => {
    const jobId = await createJob(env);
    await driveTo(env, jobId, 'Active');
    const api = apiWith([{ from: 'Active', to: 'Completing' }]);
    const err = await api
      .updateJobStatus(request(env.root, { batchJobId: jobId, requestedJobStatus: 'Cancelled' }))
      .catch((e: unknown) => e);
    expect(isOssError(err) && [err.code, err.message]).toEqual([
      'InvalidRequest',
      'The job status is Completing and cannot be changed to Cancelled.',
    ]);
  });

  it('two lost races in a row → 503 ServiceUnavailable, nothing changed by the API', async () => {
    const jobId = await createJob(env);
    await driveTo(env, jobId, 'Ready');
    const api = apiWith([
      { from: 'Ready', to: 'Active' },
      { from: 'Active', to: 'Pausing' },
    ]);
    const err = await api
      .updateJobStatus(request(env.root, { batchJobId: jobId, requestedJobStatus: 'Cancelled' }))
      .catch((e: unknown) => e);
    expect(isOssError(err) && [err.code, err.status]).toEqual(['ServiceUnavailable', 503]);
    expect((await env.repo.getJobById(jobId))?.status).toBe('Pausing');
  });
});
