import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../src/db/backend.js';
import type { JobRepo } from '../../src/jobs/job-repo.js';
import type { JobSpec, JobStatus } from '../../src/jobs/model.js';
import { isOssError } from '../../src/protocol/oss-error.js';

const A = '1111';
const B = '2222';
const spec = (over: Partial<JobSpec> = {}): JobSpec => ({
  confirmationRequired: false,
  operation: { kind: 'DeleteObjectTagging' },
  report: { enabled: false, scope: 'AllTasks' },
  keyPrefix: { sourceBucket: 'src', prefix: '' },
  description: 'd',
  priority: 5,
  roleArn: `acs:ram::${A}:role/r`,
  ...over,
});

describe('SQLite JobRepo', () => {
  let dir: string;
  let backend: Backend;
  let repo: JobRepo;
  const open = () => createBackend({ db: { kind: 'sqlite' }, dataDir: dir });
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-'));
    backend = await open();
    repo = backend.jobs;
  });
  afterEach(async () => {
    await backend.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const create = async (jobId: string, now: number, over: Partial<JobSpec> = {}, accountId = A, hash = 'h') =>
    await repo.createJob({ jobId, accountId, spec: spec(over), requestHash: hash, now });

  it('inserts a New job with unknown (-1) counts, version 1, and survives a reopen', async () => {
    const { job, created } = await create('j1', 1000, { description: '描述' });
    expect(created).toBe(true);
    expect(job).toEqual({
      jobId: 'j1',
      accountId: A,
      spec: spec({ description: '描述' }),
      status: 'New',
      priority: 5,
      statusUpdateReason: '',
      createdAt: 1000,
      terminatedAt: null,
      preConfirmed: false,
      suspendedAt: null,
      totalTasks: -1,
      succeededTasks: -1,
      failedTasks: -1,
      activeMs: 0,
      activeSince: null,
      failure: null,
      version: 1,
    });
    await backend.close();
    backend = await open();
    repo = backend.jobs;
    expect(await repo.getJob(A, 'j1')).toEqual(job);
    expect(await repo.getJob(B, 'j1')).toBeUndefined();
    expect(await repo.getJobById('j1')).toEqual(job);
  });

  it('is idempotent per (account, ClientRequestToken) and request hash', async () => {
    const first = await create('j1', 1, { clientRequestToken: 't' }, A, 'h1');
    const again = await create('j2', 2, { clientRequestToken: 't' }, A, 'h1');
    expect(again).toEqual({ job: first.job, created: false });
    let err: unknown;
    try {
      await create('j3', 3, { clientRequestToken: 't' }, A, 'h2');
    } catch (e) {
      err = e;
    }
    expect(isOssError(err) && [err.code, err.status]).toEqual(['IdempotentParameterMismatch', 409]);
    expect((await create('j4', 4, { clientRequestToken: 't' }, B, 'h2')).created).toBe(true);
    expect((await create('j5', 5, {}, A, 'h1')).created).toBe(true);
    expect((await create('j6', 6, {}, A, 'h1')).created).toBe(true);
    expect(await repo.getJobById('j2')).toBeUndefined();
    expect(await repo.getJobById('j3')).toBeUndefined();
  });

  it('transitions compare-and-set, refuse illegal edges, and keep the bookkeeping', async () => {
    await create('j', 0);
    expect(await repo.transition({ jobId: 'j', from: ['Ready'], to: 'Active', now: 1 })).toBeUndefined();
    expect((await repo.getJobById('j'))?.version).toBe(1);
    await expect(repo.transition({ jobId: 'j', from: ['New'], to: 'Complete', now: 1 })).rejects.toThrow(
      /illegal job transition New → Complete/,
    );
    expect((await repo.transition({ jobId: 'j', from: ['New'], to: 'Preparing', now: 1 }))?.status).toBe(
      'Preparing',
    );
    const suspended = await repo.transition({
      jobId: 'j',
      from: ['Preparing'],
      to: 'Suspended',
      now: 10,
      reason: 'waiting',
    });
    expect([suspended?.suspendedAt, suspended?.statusUpdateReason]).toEqual([10, 'waiting']);
    await repo.transition({ jobId: 'j', from: ['Suspended'], to: 'Ready', now: 20 });
    const active = await repo.transition({ jobId: 'j', from: ['Ready'], to: 'Active', now: 1_000 });
    expect([active?.activeSince, active?.activeMs, active?.statusUpdateReason]).toEqual([
      1_000,
      0,
      'waiting',
    ]);
    await repo.transition({ jobId: 'j', from: ['Active'], to: 'Pausing', now: 3_500 });
    const paused = await repo.transition({ jobId: 'j', from: ['Pausing'], to: 'Paused', now: 4_000 });
    expect([paused?.activeSince, paused?.activeMs]).toEqual([null, 2_500]);
    await repo.transition({ jobId: 'j', from: ['Paused'], to: 'Active', now: 10_000 });
    const completing = await repo.transition({ jobId: 'j', from: ['Active'], to: 'Completing', now: 11_000 });
    expect([completing?.activeSince, completing?.activeMs, completing?.terminatedAt]).toEqual([
      null,
      3_500,
      null,
    ]);
    const done = await repo.transition({
      jobId: 'j',
      from: ['Completing'],
      to: 'Complete',
      now: 12_000,
      reason: 'done',
    });
    expect([done?.status, done?.terminatedAt, done?.statusUpdateReason, done?.version]).toEqual([
      'Complete',
      12_000,
      'done',
      10,
    ]);
  });

  it('records a failure and the termination time on Failed', async () => {
    await create('j', 0);
    await repo.transition({ jobId: 'j', from: ['New'], to: 'Preparing', now: 1 });
    await repo.transition({
      jobId: 'j',
      from: ['Preparing'],
      to: 'Failing',
      now: 2,
      failure: { code: 'ManifestETagMismatch', reason: 'etag differs' },
    });
    const failed = await repo.transition({ jobId: 'j', from: ['Failing'], to: 'Failed', now: 3 });
    expect([failed?.failure, failed?.terminatedAt]).toEqual([
      { code: 'ManifestETagMismatch', reason: 'etag differs' },
      3,
    ]);
  });

  it('pre-confirms only while Preparing', async () => {
    await create('j', 0);
    expect(await repo.markPreConfirmed('j', 'go')).toBeUndefined();
    await repo.transition({ jobId: 'j', from: ['New'], to: 'Preparing', now: 1 });
    const marked = await repo.markPreConfirmed('j', 'go');
    expect([marked?.preConfirmed, marked?.status, marked?.statusUpdateReason]).toEqual([
      true,
      'Preparing',
      'go',
    ]);
  });

  it('changes priority of non-terminal jobs of the right account only', async () => {
    await create('j', 0);
    expect(await repo.setPriority(B, 'j', 9)).toBeUndefined();
    expect((await repo.setPriority(A, 'j', 9))?.priority).toBe(9);
    await repo.transition({ jobId: 'j', from: ['New'], to: 'Cancelling', now: 1 });
    await repo.transition({ jobId: 'j', from: ['Cancelling'], to: 'Cancelled', now: 2 });
    expect(await repo.setPriority(A, 'j', 3)).toBeUndefined();
    expect((await repo.getJobById('j'))?.priority).toBe(9);
  });

  it('keeps the counters a chunk commit adds in the job row (one version bump per commit)', async () => {
    await create('j', 0);
    await repo.setTotalTasks('j', 42);
    for (const [from, to] of [
      ['New', 'Preparing'],
      ['Preparing', 'Ready'],
      ['Ready', 'Active'],
    ] as const)
      await repo.transition({ jobId: 'j', from: [from], to, now: 1 });
    await backend.chunks.insertChunks('j', [{ index: 0, firstTask: 0, taskCount: 42, source: '{}' }]);
    const [chunk] = await backend.chunks.claim('w', 10, 1000, 1);
    const r = await backend.chunks.commit({
      jobId: 'j',
      chunkIndex: 0,
      attempt: chunk?.attempt ?? -1,
      cursor: 42,
      succeeded: 40,
      failed: 2,
      shardBytes: 0,
      shardAttempt: 0,
      succeededDelta: 40,
      failedDelta: 2,
      next: 'done',
      leaseExpiresAt: 0,
    });
    expect([r.ok, r.jobSucceeded, r.jobFailed, r.jobTotal]).toEqual([true, 40, 2, 42]);
    const job = await repo.getJobById('j');
    expect([job?.totalTasks, job?.succeededTasks, job?.failedTasks, job?.version]).toEqual([42, 40, 2, 6]);
  });

  it('finds jobs by status, highest priority first, then oldest', async () => {
    await create('low-old', 1, { priority: 1 });
    await create('high-new', 5, { priority: 9 });
    await create('high-old', 2, { priority: 9 });
    await create('other', 3, { priority: 100 });
    await repo.transition({ jobId: 'other', from: ['New'], to: 'Preparing', now: 4 });
    expect((await repo.findByStatus(['New'])).map((j) => j.jobId)).toEqual([
      'high-old',
      'high-new',
      'low-old',
    ]);
    expect((await repo.findByStatus(['New', 'Preparing'])).map((j) => j.jobId)).toEqual([
      'other',
      'high-old',
      'high-new',
      'low-old',
    ]);
    expect(await repo.findByStatus([])).toEqual([]);
  });

  it('lists newest first with (createdAt, jobId) keyset paging and status filters', async () => {
    for (let i = 0; i < 7; i += 1) await create(`j${i}`, Math.floor(i / 2));
    await create('b0', 99, {}, B);
    await repo.transition({ jobId: 'j4', from: ['New'], to: 'Preparing', now: 5 });
    const all = (await repo.listJobs({ accountId: A, limit: 100 })).map((j) => j.jobId);
    expect(all).toEqual(['j6', 'j5', 'j4', 'j3', 'j2', 'j1', 'j0']);
    const page1 = await repo.listJobs({ accountId: A, limit: 3 });
    const last = page1[2];
    expect(page1.map((j) => j.jobId)).toEqual(['j6', 'j5', 'j4']);
    const page2 = await repo.listJobs({
      accountId: A,
      limit: 3,
      after: { createdAt: last?.createdAt ?? -1, jobId: last?.jobId ?? '' },
    });
    expect(page2.map((j) => j.jobId)).toEqual(['j3', 'j2', 'j1']);
    expect(
      (await repo.listJobs({ accountId: A, limit: 10, statuses: ['Preparing'] })).map((j) => j.jobId),
    ).toEqual(['j4']);
    const filtered = await repo.listJobs({
      accountId: A,
      limit: 2,
      statuses: ['New'],
      after: { createdAt: 2, jobId: 'j5' },
    });
    expect(filtered.map((j) => j.jobId)).toEqual(['j3', 'j2']);
  });

  it('rebases open Active stints at the last engine heartbeat so downtime is not Active time', async () => {
    await create('live', 1000);
    await create('paused', 1000);
    const move = async (id: string, from: JobStatus[], to: JobStatus, now: number) =>
      await repo.transition({ jobId: id, from, to, now });
    for (const id of ['live', 'paused']) {
      await move(id, ['New'], 'Preparing', 1100);
      await move(id, ['Preparing'], 'Ready', 1200);
      await move(id, ['Ready'], 'Active', 2000);
    }
    await move('paused', ['Active'], 'Pausing', 3000);
    expect(await repo.rebaseActiveTime(9000)).toBe(0); // no heartbeat recorded yet: nothing to correct
    await repo.recordEngineAlive(5000);
    // The server died after its 5000 ms beat and came back at 60000 ms.
    expect(await repo.rebaseActiveTime(60_000)).toBe(1);
    const live = await repo.getJobById('live');
    expect(live?.activeMs).toBe(3000);
    expect(live?.activeSince).toBe(60_000);
    expect((await repo.getJobById('paused'))?.activeMs).toBe(1000);
    await move('live', ['Active'], 'Completing', 61_000);
    expect((await repo.getJobById('live'))?.activeMs).toBe(4000);
  });
});
