import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SqliteBackend } from '../../src/db/sqlite/index.js';
import { openSqlite } from '../../src/db/sqlite/open.js';
import { REPORT_WRITE_FAILED } from '../../src/engine/report-writer.js';
import { TaskExecutor } from '../../src/engine/task-executor.js';
import { createHarness, readReport, REGION, TAG_OP, type Harness } from './harness.js';
import type { TestBackendName } from '../helpers/test-backend.js';

/**
 * Guarantees that changes to the engine once left the whole suite green (issue 12, "tests that catch
 * breakage"). Each test names the change it catches; each was checked by making that change once.
 */
let h: Harness;
afterEach(async () => {
  await h.close();
});

const key = (i: number): string => `o/${String(i).padStart(5, '0')}`;

async function setup(
  n: number,
  opts: { chunkSize?: number; missing?: (i: number) => boolean; backend?: TestBackendName } = {},
): Promise<string> {
  h = await createHarness({
    chunkSize: opts.chunkSize ?? 500,
    ...(opts.backend ? { backend: opts.backend } : {}),
  });
  await h.bucket('src');
  await h.bucket('reports');
  const all = Array.from({ length: n }, (_, i) => i);
  await h.seed(
    'src',
    all.filter((i) => !opts.missing?.(i)).map((i) => ({ key: key(i) })),
  );
  await h.putText('src', 'm.csv', all.map((i) => `src,${encodeURIComponent(key(i))}\n`).join(''));
  return await h.role('batch');
}

const tagged = async (i: number): Promise<boolean> =>
  ((await h.store.headObject('src', key(i)))?.tags.length ?? 0) > 0;

/** A job planned and confirmed but not yet picked up: the engine is stopped, so only the test moves it. */
async function stoppedAtReady(roleArn: string, report = true): Promise<string> {
  const id = await h.createJob({
    operation: TAG_OP,
    manifest: { bucket: 'src', object: 'm.csv' },
    roleArn,
    confirmationRequired: true,
    ...(report ? { report: { bucket: 'reports', prefix: '' } } : {}),
  });
  await h.waitFor(id, ['Suspended']);
  await h.engine.stop();
  return id;
}

describe('resume from the committed cursor', () => {
  // Breaks when runChunk starts at 0 instead of chunk.cursor.
  it('runs only the tasks after the cursor a previous attempt committed', async () => {
    const role = await setup(1000);
    const id = await stoppedAtReady(role);
    await h.updateStatus(id, 'Ready');
    await h.repo.transition({ jobId: id, from: ['Ready'], to: 'Active', now: h.clock.now() });
    const chunks = h.backend.chunks;
    const [first] = await chunks.claim('crashed-process', h.clock.now(), 60_000, 1);
    expect(first?.chunkIndex).toBe(0);
    // What a previous attempt left: 300 tasks done and committed (here without doing them, so a re-run shows).
    const progress = { jobId: id, chunkIndex: 0, attempt: first?.attempt ?? 0, cursor: 300, succeeded: 300 };
    const commit = await chunks.commit({
      ...progress,
      failed: 0,
      shardBytes: 0,
      shardAttempt: first?.attempt ?? 0,
      succeededDelta: 300,
      failedDelta: 0,
      next: 'release',
      leaseExpiresAt: 0,
    });
    expect(commit.ok).toBe(true);
    await h.engine.start();
    const done = await h.waitFor(id, ['Complete', 'Failed']);
    expect([done.status, done.succeededTasks, done.failedTasks]).toEqual(['Complete', 1000, 0]);
    for (const i of [0, 150, 299]) expect(await tagged(i), key(i)).toBe(false);
    for (const i of [300, 499, 500, 999]) expect(await tagged(i), key(i)).toBe(true);
    const { rows } = await readReport(h, 'reports', '', id);
    expect(rows).toHaveLength(700);
    expect(rows.some((r) => decodeURIComponent(r[1] ?? '') === key(0))).toBe(false);
  });
});

describe('chunk commits are fenced by the attempt number', () => {
  // Breaks when the commit's `AND attempt = :attempt` is removed.
  it('refuses a commit from a superseded attempt and keeps the counters', async () => {
    const role = await setup(10);
    const id = await stoppedAtReady(role, false);
    await h.updateStatus(id, 'Ready');
    await h.repo.transition({ jobId: id, from: ['Ready'], to: 'Active', now: h.clock.now() });
    const chunks = h.backend.chunks;
    const [old] = await chunks.claim('A', 1000, 10, 1);
    expect(await chunks.releaseAllLeases()).toBe(1);
    const [current] = await chunks.claim('B', 2000, 60_000, 1);
    expect([old?.attempt, current?.attempt]).toEqual([1, 2]);
    const stale = await chunks.commit({
      jobId: id,
      chunkIndex: 0,
      attempt: old?.attempt ?? 0,
      cursor: 10,
      succeeded: 10,
      failed: 0,
      shardBytes: 0,
      shardAttempt: 0,
      succeededDelta: 10,
      failedDelta: 0,
      next: 'done',
      leaseExpiresAt: 0,
    });
    expect(stale.ok).toBe(false);
    expect((await h.job(id)).succeededTasks).toBe(0);
    expect(await chunks.countOpen(id)).toBe(1);
    const live = await chunks.commit({
      jobId: id,
      chunkIndex: 0,
      attempt: current?.attempt ?? 0,
      cursor: 10,
      succeeded: 10,
      failed: 0,
      shardBytes: 0,
      shardAttempt: 0,
      succeededDelta: 10,
      failedDelta: 0,
      next: 'done',
      leaseExpiresAt: 0,
    });
    expect([live.ok, live.jobSucceeded]).toEqual([true, 10]);
    expect(await chunks.countOpen(id)).toBe(0);
  });
});

describe('transient store errors are retried', () => {
  // Breaks when TaskExecutor's retry loop (applyWithRetry) is removed: the busy batch then fails every task.
  it('re-applies a batch the busy database refused, and every task succeeds', async () => {
    // The lock is taken on the built-in store's SQLite metadata through the embedded backend's own
    // handle, so this case runs on the embedded backend in both vitest projects.
    const roleArn = await setup(20, { backend: 'sqlite' });
    const role = await h.iam.findRoleByArn(roleArn);
    if (!role) throw new Error('no role');
    const executor = new TaskExecutor(
      h.store,
      h.iam,
      h.iam.roleAsPrincipal(role),
      { kind: 'PutObjectTagging', tags: [{ key: 'k', value: 'v' }] },
      REGION,
      h.clock,
    );
    if (h.backend.kind !== 'sqlite') throw new Error('the busy-database test needs the SQLite backend');
    (h.backend as SqliteBackend).db.pragma('busy_timeout = 10');
    const other = openSqlite(path.join(h.dir, 'ossbatch.db'));
    try {
      other.prepare('BEGIN IMMEDIATE').run();
      const tasks = Array.from({ length: 20 }, (_, i) => ({ bucket: 'src', key: key(i) }));
      const running = executor.run(tasks);
      // The first applyBatch ran synchronously inside run() and met the lock; give it back before the retry.
      await new Promise((r) => setImmediate(r));
      other.prepare('ROLLBACK').run();
      const results = await running;
      expect(results.filter((r) => !r.ok)).toEqual([]);
      for (let i = 0; i < 20; i++) expect(await tagged(i)).toBe(true);
    } finally {
      other.close();
    }
  });
});

describe('the failure threshold (more than 50% failed after at least 1,000 tasks)', () => {
  // Breaks when the threshold is raised (e.g. to 75%): 60% failed must stop the job.
  it('fails a job with 60% failed tasks', async () => {
    const role = await setup(1500, { chunkSize: 100, missing: (i) => i % 5 < 3 });
    const id = await h.createJob({
      operation: TAG_OP,
      manifest: { bucket: 'src', object: 'm.csv' },
      roleArn: role,
    });
    const job = await h.waitFor(id, ['Failed', 'Complete']);
    expect([job.status, job.failure?.code]).toEqual(['Failed', 'TooManyTaskFailures']);
  });

  // Breaks when `failed * 2 <= ran` becomes `<` (exactly 50% is not "more than half").
  it('completes a job with exactly 50% failed tasks', async () => {
    const role = await setup(1200, { chunkSize: 100, missing: (i) => i % 2 === 0 });
    const id = await h.createJob({
      operation: TAG_OP,
      manifest: { bucket: 'src', object: 'm.csv' },
      roleArn: role,
    });
    const job = await h.waitFor(id, ['Failed', 'Complete']);
    expect([job.status, job.succeededTasks, job.failedTasks]).toEqual(['Complete', 600, 600]);
  });

  // Breaks when the 1,000-task minimum is lowered: 999 failures alone never fail a job.
  it('completes a job of 999 tasks that all failed', async () => {
    const role = await setup(999, { chunkSize: 100, missing: () => true });
    const id = await h.createJob({
      operation: TAG_OP,
      manifest: { bucket: 'src', object: 'm.csv' },
      roleArn: role,
    });
    const job = await h.waitFor(id, ['Failed', 'Complete']);
    expect([job.status, job.failedTasks]).toEqual(['Complete', 999]);
  });
});

describe('job-level failures with their documented FailureCode', () => {
  // Breaks when a worker runs a job whose role is gone (e.g. with a role cached from before).
  it('RoleNotFound: the role was deleted after planning; no task runs', async () => {
    const role = await setup(100);
    const id = await stoppedAtReady(role, false);
    await h.iamAdmin.deleteRole('batch');
    await h.engine.start();
    await h.updateStatus(id, 'Ready');
    const job = await h.waitFor(id, ['Failed', 'Complete']);
    expect([job.status, job.failure?.code]).toEqual(['Failed', 'RoleNotFound']);
    expect(job.failure?.reason).toContain('no longer exists');
    expect(await tagged(0)).toBe(false);
  });

  it('ReportBucketNotFound at planning: no task runs', async () => {
    const role = await setup(100);
    const id = await h.createJob({
      operation: TAG_OP,
      manifest: { bucket: 'src', object: 'm.csv' },
      roleArn: role,
      report: { bucket: 'reports', prefix: '' },
      confirmationRequired: true,
    });
    // Deleted between CreateJob (which checked it) and planning is the same as at settling: fail early.
    await h.store.deleteBucket('reports');
    const job = await h.waitFor(id, ['Failed', 'Complete', 'Suspended']);
    expect([job.status, job.failure?.code, job.totalTasks]).toEqual(['Failed', 'ReportBucketNotFound', -1]);
    expect(await tagged(0)).toBe(false);
  });

  it('ReportBucketNotFound when settling: the tasks ran, the job fails with the reason', async () => {
    const role = await setup(100);
    const id = await stoppedAtReady(role);
    await h.store.deleteBucket('reports');
    await h.engine.start();
    await h.updateStatus(id, 'Ready');
    const job = await h.waitFor(id, ['Failed', 'Complete']);
    expect([job.status, job.failure?.code, job.succeededTasks]).toEqual([
      'Failed',
      'ReportBucketNotFound',
      100,
    ]);
  });

  it('ReportWriteFailed keeps the internal cause out of the FailureReason', async () => {
    const role = await setup(100);
    const id = await stoppedAtReady(role);
    // The store's temp directory replaced by a file: every object write fails inside the filesystem.
    const tmp = path.join(h.dir, 'tmp');
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.writeFileSync(tmp, 'not a directory');
    await h.engine.start();
    await h.updateStatus(id, 'Ready');
    const job = await h.waitFor(id, ['Failed', 'Complete']);
    expect([job.status, job.failure?.code]).toEqual(['Failed', 'ReportWriteFailed']);
    expect(job.failure?.reason).toBe(REPORT_WRITE_FAILED);
    expect(job.failure?.reason).not.toMatch(/ENOTDIR|EEXIST|\/tmp|ossbatch-/);
    expect(job.succeededTasks).toBe(100);
  });
});

describe('cancel while Preparing', () => {
  // Breaks when the planner ignores the cancel (aborted() never true): it then plans the whole manifest.
  it('abandons planning: Cancelled with counts never set and no task run', async () => {
    const role = await setup(200_000, { chunkSize: 100 });
    const id = await h.createJob({
      operation: TAG_OP,
      manifest: { bucket: 'src', object: 'm.csv' },
      roleArn: role,
    });
    const until = Date.now() + 20_000;
    // Cancel once the planner has stored its first batch of chunk rows (500 of 2,000): it is mid-manifest.
    while ((await h.backend.chunks.countChunks(id)) === 0) {
      const { status } = await h.job(id);
      if (Date.now() > until || (status !== 'Preparing' && status !== 'New'))
        throw new Error(`never saw planning in progress (${status})`);
      await new Promise((r) => setImmediate(r));
    }
    await h.updateStatus(id, 'Cancelled');
    const job = await h.waitFor(id, ['Cancelled', 'Complete', 'Failed']);
    expect([job.status, job.totalTasks, job.succeededTasks]).toEqual(['Cancelled', -1, -1]);
    expect(await tagged(0)).toBe(false);
  });
});
