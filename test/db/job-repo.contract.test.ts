import { afterAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/db/backend.js';
import type { JobStatus } from '../../src/jobs/model.js';
import { isOssError } from '../../src/protocol/oss-error.js';
import { backendFactories, suiteTitle, type TestDatabase } from './backends.js';
import { ACCOUNT, spec } from './fixtures.js';

const BACKENDS = backendFactories('job_repo');
afterAll(async () => {
  for (const f of BACKENDS) await f.dropAll();
});

const OTHER = '9999888877776666';

for (const factory of BACKENDS) {
  describe.skipIf(factory.skip !== undefined)(suiteTitle(factory, 'JobRepo contract'), () => {
    let db: TestDatabase;
    let b: Backend;
    const fresh = async (): Promise<Backend> => {
      db = await factory.open();
      b = db.backend;
      return b;
    };
    const create = (
      jobId: string,
      now: number,
      over: Parameters<typeof spec>[0] = {},
      accountId = ACCOUNT,
      hash = 'h',
    ) => b.jobs.createJob({ jobId, accountId, spec: spec(over), requestHash: hash, now });

    it('creates a New job with unknown counts and reads it back scoped to its account', async () => {
      await fresh();
      const { job, created } = await create('j1', 1000, { description: '描述' });
      expect(created).toBe(true);
      expect(job).toEqual({
        jobId: 'j1',
        accountId: ACCOUNT,
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
      expect(await b.jobs.getJob(ACCOUNT, 'j1')).toEqual(job);
      expect(await b.jobs.getJobById('j1')).toEqual(job);
      expect(await b.jobs.getJob(OTHER, 'j1')).toBeUndefined();
      // BIGINT columns come back as numbers, not strings (ms timestamps beyond 2^31).
      const late = (await create('j2', 1_900_000_000_123)).job;
      expect(late.createdAt).toBe(1_900_000_000_123);
    });

    it('is idempotent on (account, ClientRequestToken): same hash returns the job, another hash is refused', async () => {
      await fresh();
      const first = await create('j1', 1000, { clientRequestToken: 't' }, ACCOUNT, 'h1');
      const again = await create('j2', 2000, { clientRequestToken: 't' }, ACCOUNT, 'h1');
      expect(again.created).toBe(false);
      expect(again.job.jobId).toBe('j1');
      expect(again.job).toEqual(first.job);
      const mismatch = await create('j3', 3000, { clientRequestToken: 't' }, ACCOUNT, 'h2').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isOssError(mismatch) && mismatch.code).toBe('IdempotentParameterMismatch');
      // The token is per account; no token never collides.
      expect((await create('j4', 4000, { clientRequestToken: 't' }, OTHER, 'h2')).created).toBe(true);
      expect((await create('j5', 5000)).created).toBe(true);
      expect((await create('j6', 5000)).created).toBe(true);
      expect(await b.jobs.getJobById('j2')).toBeUndefined();
      expect(await b.jobs.getJobById('j3')).toBeUndefined();
    });

    it('two nodes creating with one token at once create exactly one job', async () => {
      await fresh();
      const other = await db.another();
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 ? other : b).jobs.createJob({
            jobId: `race-${i}`,
            accountId: ACCOUNT,
            spec: spec({ clientRequestToken: 'tok' }),
            requestHash: 'h',
            now: 1000 + i,
          }),
        ),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.job.jobId)).size).toBe(1);
    });

    it('lists newest first and pages by (createdAt, jobId) without gaps or repeats, with a status filter', async () => {
      await fresh();
      // Ties on createdAt are ordered by jobId descending (byte order).
      const times = [5000, 3000, 3000, 3000, 1000, 7000, 3000];
      for (const [i, t] of times.entries()) await create(`job-${i}`, t);
      await create('elsewhere', 9000, {}, OTHER);
      await b.jobs.transition({ jobId: 'job-2', from: ['New'], to: 'Preparing', now: 9000 });
      const all = await b.jobs.listJobs({ accountId: ACCOUNT, limit: 100 });
      expect(all.map((j) => j.jobId)).toEqual([
        'job-5',
        'job-0',
        'job-6',
        'job-3',
        'job-2',
        'job-1',
        'job-4',
      ]);
      const paged: string[] = [];
      let after: { createdAt: number; jobId: string } | undefined;
      for (;;) {
        const page = await b.jobs.listJobs({ accountId: ACCOUNT, limit: 3, after });
        paged.push(...page.map((j) => j.jobId));
        const last = page.at(-1);
        if (page.length < 3 || !last) break;
        after = { createdAt: last.createdAt, jobId: last.jobId };
      }
      expect(paged).toEqual(all.map((j) => j.jobId));
      const news = await b.jobs.listJobs({ accountId: ACCOUNT, statuses: ['New'], limit: 2 });
      expect(news.map((j) => j.jobId)).toEqual(['job-5', 'job-0']);
      const next = await b.jobs.listJobs({
        accountId: ACCOUNT,
        statuses: ['New', 'Complete'],
        limit: 10,
        after: { createdAt: 3000, jobId: 'job-3' },
      });
      expect(next.map((j) => j.jobId)).toEqual(['job-1', 'job-4']);
    });

    it('transitions are compare-and-set on status and keep the Active-time and terminal bookkeeping', async () => {
      await fresh();
      await create('j', 1000);
      const go = (from: JobStatus[], to: JobStatus, now: number, extra = {}) =>
        b.jobs.transition({ jobId: 'j', from, to, now, ...extra });
      expect(await go(['Preparing'], 'Ready', 1000)).toBeUndefined(); // not in `from`: nothing changes
      expect((await b.jobs.getJobById('j'))?.version).toBe(1);
      await expect(go(['New'], 'Complete', 1000)).rejects.toThrow(/illegal job transition/);
      expect((await go(['New'], 'Preparing', 1100))?.status).toBe('Preparing');
      expect((await go(['Preparing'], 'Ready', 1200))?.status).toBe('Ready');
      const active = await go(['Ready'], 'Active', 2000);
      expect(active).toMatchObject({ status: 'Active', activeSince: 2000, activeMs: 0, version: 4 });
      const pausing = await go(['Active'], 'Pausing', 5000, { reason: 'pause please' });
      expect(pausing).toMatchObject({
        activeSince: null,
        activeMs: 3000,
        statusUpdateReason: 'pause please',
      });
      await go(['Pausing'], 'Paused', 6000);
      await go(['Paused'], 'Active', 10_000);
      // A clock that went backwards never makes Active time negative.
      const back = await go(['Active'], 'Completing', 9000);
      expect(back).toMatchObject({ activeMs: 3000, activeSince: null, terminatedAt: null });
      const done = await go(['Completing'], 'Complete', 12_000);
      expect(done).toMatchObject({
        status: 'Complete',
        terminatedAt: 12_000,
        statusUpdateReason: 'pause please',
        version: 9,
      });
      expect(await go(['Active'], 'Cancelling', 13_000)).toBeUndefined();
    });

    it('records failures, Suspended time and refuses Suspended once pre-confirmed', async () => {
      await fresh();
      await create('f', 1000);
      const failing = await b.jobs.transition({
        jobId: 'f',
        from: ['New'],
        to: 'Failing',
        now: 2000,
        failure: { code: 'ManifestUnreadable', reason: 'no such key' },
      });
      expect(failing?.failure).toEqual({ code: 'ManifestUnreadable', reason: 'no such key' });
      expect(
        (await b.jobs.transition({ jobId: 'f', from: ['Failing'], to: 'Failed', now: 3000 }))?.terminatedAt,
      ).toBe(3000);

      await create('s', 1000);
      await b.jobs.transition({ jobId: 's', from: ['New'], to: 'Preparing', now: 1000 });
      expect((await b.jobs.markPreConfirmed('s', 'confirmed early'))?.preConfirmed).toBe(true);
      expect(
        await b.jobs.transition({ jobId: 's', from: ['Preparing'], to: 'Suspended', now: 2000 }),
      ).toBeUndefined();
      expect(
        (await b.jobs.transition({ jobId: 's', from: ['Preparing'], to: 'Ready', now: 2000 }))
          ?.statusUpdateReason,
      ).toBe('confirmed early');
      expect(await b.jobs.markPreConfirmed('s', 'late')).toBeUndefined(); // only while Preparing

      await create('t', 1000);
      await b.jobs.transition({ jobId: 't', from: ['New'], to: 'Preparing', now: 1000 });
      expect(
        (await b.jobs.transition({ jobId: 't', from: ['Preparing'], to: 'Suspended', now: 4000 }))
          ?.suspendedAt,
      ).toBe(4000);
    });

    it('finds the Suspended jobs that entered Suspended at or before a time, oldest first', async () => {
      await fresh();
      const suspend = async (jobId: string, at: number): Promise<void> => {
        await create(jobId, 1000);
        await b.jobs.transition({ jobId, from: ['New'], to: 'Preparing', now: 1000 });
        await b.jobs.transition({ jobId, from: ['Preparing'], to: 'Suspended', now: at });
      };
      await suspend('late', 3000);
      await suspend('early', 1500);
      await suspend('mid', 2000);
      await suspend('confirmed', 1200);
      await b.jobs.transition({ jobId: 'confirmed', from: ['Suspended'], to: 'Ready', now: 2500 });
      await create('new', 500);
      const ids = async (cutoff: number): Promise<string[]> =>
        (await b.jobs.findSuspendedAtOrBefore(cutoff)).map((j) => j.jobId);
      expect(await ids(1499)).toEqual([]);
      expect(await ids(2000)).toEqual(['early', 'mid']);
      expect(await ids(10_000)).toEqual(['early', 'mid', 'late']);
    });

    it('two nodes racing one transition: exactly one wins', async () => {
      await fresh();
      const other = await db.another();
      await create('r', 1000);
      const tries = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          (i % 2 ? other : b).jobs.transition({
            jobId: 'r',
            from: ['New'],
            to: i < 3 ? 'Preparing' : 'Cancelling',
            now: 2000,
          }),
        ),
      );
      expect(tries.filter((t) => t !== undefined)).toHaveLength(1);
      expect((await b.jobs.getJobById('r'))?.version).toBe(2);
    });

    it('changes priority of non-terminal jobs only, within the account; engine queries order by priority', async () => {
      await fresh();
      await create('low', 1000, { priority: 1 });
      await create('high', 2000, { priority: 9 });
      await create('mid-old', 500, { priority: 5 });
      await create('mid-new', 600, { priority: 5 });
      expect((await b.jobs.setPriority(ACCOUNT, 'low', 10))?.priority).toBe(10);
      expect(await b.jobs.setPriority(OTHER, 'low', 3)).toBeUndefined();
      expect(await b.jobs.setPriority(ACCOUNT, 'missing', 3)).toBeUndefined();
      expect((await b.jobs.findByStatus(['New'])).map((j) => j.jobId)).toEqual([
        'low',
        'high',
        'mid-old',
        'mid-new',
      ]);
      await b.jobs.transition({ jobId: 'high', from: ['New'], to: 'Cancelling', now: 3000 });
      await b.jobs.transition({ jobId: 'high', from: ['Cancelling'], to: 'Cancelled', now: 3000 });
      expect(await b.jobs.setPriority(ACCOUNT, 'high', 1)).toBeUndefined();
      expect(await b.jobs.countByStatus()).toEqual({ New: 3, Cancelled: 1 });
      await b.jobs.setTotalTasks('low', 12_345);
      expect(await b.jobs.getJobById('low')).toMatchObject({
        totalTasks: 12_345,
        succeededTasks: 0,
        failedTasks: 0,
      });
      await b.jobs.setStatusReason('low', 'why');
      expect((await b.jobs.getJobById('low'))?.statusUpdateReason).toBe('why');
    });

    it('findByStatus with a limit: the first jobs of the full order, across statuses', async () => {
      await fresh();
      // Three statuses, priorities that interleave across them, ties broken by createdAt then jobId.
      const jobs: [string, number, number, JobStatus][] = [
        ['r-low', 100, 1, 'Ready'],
        ['r-high', 200, 9, 'Ready'],
        ['p-mid-old', 50, 5, 'Paused'],
        ['a-mid-new', 300, 5, 'Active'],
        ['r-mid-tie-b', 300, 5, 'Ready'],
        ['r-mid-tie-a', 300, 5, 'Ready'],
        ['a-top', 400, 10, 'Active'],
        ['s-top', 10, 99, 'Suspended'],
      ];
      const path: Record<string, JobStatus[]> = {
        Ready: ['Preparing', 'Ready'],
        Active: ['Preparing', 'Ready', 'Active'],
        Paused: ['Preparing', 'Ready', 'Active', 'Pausing', 'Paused'],
        Suspended: ['Preparing', 'Suspended'],
      };
      for (const [id, at, priority, status] of jobs) {
        await create(id, at, { priority });
        let from: JobStatus = 'New';
        for (const to of path[status] ?? []) {
          await b.jobs.transition({ jobId: id, from: [from], to, now: at });
          from = to;
        }
      }
      const statuses: JobStatus[] = ['Active', 'Paused', 'Ready'];
      const all = (await b.jobs.findByStatus(statuses)).map((j) => j.jobId);
      expect(all).toEqual([
        'a-top',
        'r-high',
        'p-mid-old',
        'a-mid-new',
        'r-mid-tie-a',
        'r-mid-tie-b',
        'r-low',
      ]);
      for (const limit of [1, 2, 3, 5, 7, 20]) {
        const first = await b.jobs.findByStatus(statuses, limit);
        expect(first.map((j) => j.jobId)).toEqual(all.slice(0, limit));
      }
      // Whole records, as without a limit.
      expect((await b.jobs.findByStatus(['Paused'], 1))[0]).toEqual(await b.jobs.getJobById('p-mid-old'));
      expect(await b.jobs.findByStatus(['Cancelled'], 3)).toEqual([]);
    });

    it('rebases open Active stints at the last engine heartbeat', async () => {
      await fresh();
      expect(await b.jobs.rebaseActiveTime(5000)).toBe(0); // no heartbeat yet
      await create('a', 1000);
      for (const [from, to] of [
        ['New', 'Preparing'],
        ['Preparing', 'Ready'],
        ['Ready', 'Active'],
      ] as const)
        await b.jobs.transition({ jobId: 'a', from: [from], to, now: 1000 });
      await b.jobs.recordEngineAlive(4000);
      expect(await b.jobs.rebaseActiveTime(50_000)).toBe(1);
      expect(await b.jobs.getJobById('a')).toMatchObject({ activeMs: 3000, activeSince: 50_000 });
    });
  });
}
