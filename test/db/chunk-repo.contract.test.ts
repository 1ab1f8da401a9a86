import { afterAll, describe, expect, it } from 'vitest';
import type { Backend, ChunkProgress, ChunkRow } from '../../src/db/backend.js';
import { backendFactories, suiteTitle, type TestDatabase } from './backends.js';
import { ACCOUNT, activeJob } from './fixtures.js';

const BACKENDS = backendFactories('chunk_repo');
afterAll(async () => {
  for (const f of BACKENDS) await f.dropAll();
});

const LEASE = 30_000;
const ids = (rows: readonly ChunkRow[]): string[] => rows.map((r) => `${r.jobId}#${r.chunkIndex}`);
/** Which chunks a multi-row claim took (the port fixes which rows are chosen, not the order they come back in). */
const picked = (rows: readonly ChunkRow[]): string[] => ids(rows).sort();

const progress = (row: ChunkRow, over: Partial<ChunkProgress>): ChunkProgress => ({
  jobId: row.jobId,
  chunkIndex: row.chunkIndex,
  attempt: row.attempt,
  cursor: row.cursor,
  succeeded: row.succeeded,
  failed: row.failed,
  shardBytes: row.shardBytes,
  shardAttempt: row.shardAttempt,
  succeededDelta: 0,
  failedDelta: 0,
  next: 'keep',
  leaseExpiresAt: 0,
  ...over,
});

for (const factory of BACKENDS) {
  describe.skipIf(factory.skip !== undefined)(suiteTitle(factory, 'ChunkRepo contract'), () => {
    let db: TestDatabase;
    let b: Backend;
    const fresh = async (): Promise<Backend> => {
      db = await factory.open();
      b = db.backend;
      return b;
    };

    it('claims chunks of Active jobs by job priority read at claim time', async () => {
      await fresh();
      await activeJob(b, 'old-low', { priority: 1, createdAt: 1000, chunks: 3 });
      await activeJob(b, 'new-high', { priority: 5, createdAt: 2000, chunks: 2 });
      await activeJob(b, 'tie-older', { priority: 5, createdAt: 1500, chunks: 1 });
      await b.jobs.createJob({
        jobId: 'not-active',
        accountId: ACCOUNT,
        spec: (await b.jobs.getJobById('old-low'))!.spec,
        requestHash: 'h',
        now: 1,
      });
      await b.chunks.insertChunks('not-active', [{ index: 0, firstTask: 0, taskCount: 5, source: 's' }]);

      expect(picked(await b.chunks.claim('w', 10_000, LEASE, 2))).toEqual(['new-high#0', 'tie-older#0']);
      // UpdateJobPriority between two claims reorders the next one.
      await b.jobs.setPriority(ACCOUNT, 'old-low', 9);
      expect(ids(await b.chunks.claim('w', 10_000, LEASE, 1))).toEqual(['old-low#0']);
      await b.jobs.setPriority(ACCOUNT, 'old-low', 0);
      expect(ids(await b.chunks.claim('w', 10_000, LEASE, 1))).toEqual(['new-high#1']);
      expect(picked(await b.chunks.claim('w', 10_000, LEASE, 10))).toEqual(['old-low#1', 'old-low#2']);
      expect(await b.chunks.claim('w', 10_000, LEASE, 10)).toEqual([]); // nothing left (not-active is New)
    });

    it('returns the claimed rows with the attempt bumped and the lease counted live until it expires', async () => {
      await fresh();
      await activeJob(b, 'j', { chunks: 2, tasksPerChunk: 7 });
      const [row] = await b.chunks.claim('w1', 5000, 1000, 1);
      expect(row).toEqual({
        jobId: 'j',
        chunkIndex: 0,
        firstTask: 0,
        taskCount: 7,
        source: 'src-0',
        attempt: 1,
        cursor: 0,
        succeeded: 0,
        failed: 0,
        shardBytes: 0,
        shardAttempt: 0,
      });
      expect(await b.chunks.countLiveLeases('j', 6000)).toBe(1);
      expect(await b.chunks.countLiveLeases('j', 6001)).toBe(0);
      expect(await b.chunks.countOpen('j')).toBe(2);
      expect(await b.chunks.countChunks('j')).toBe(2);
    });

    it('two backends (two pools / connections) claiming concurrently never lease one chunk twice', async () => {
      await fresh();
      const other = await db.another();
      await activeJob(b, 'big', { chunks: 60 });
      await activeJob(b, 'small', { chunks: 20, priority: 7 });
      const seen: string[] = [];
      const worker = async (backend: Backend, owner: string): Promise<void> => {
        for (;;) {
          const rows = await backend.chunks.claim(owner, 10_000, LEASE, 3);
          if (rows.length === 0) return;
          seen.push(...ids(rows));
        }
      };
      await Promise.all([
        ...[0, 1, 2, 3].map((i) => worker(b, `a${i}`)),
        ...[0, 1, 2, 3].map((i) => worker(other, `b${i}`)),
      ]);
      expect(seen).toHaveLength(80);
      expect(new Set(seen).size).toBe(80);
    });

    it('nodes racing to take over expired leases: each chunk goes to exactly one, with the next attempt', async () => {
      await fresh();
      const other = await db.another();
      await activeJob(b, 'orphaned', { chunks: 40 });
      expect(await b.chunks.claim('dead-node', 1000, 10, 40)).toHaveLength(40);
      const taken: ChunkRow[] = [];
      const worker = async (backend: Backend, owner: string): Promise<void> => {
        for (;;) {
          const rows = await backend.chunks.claim(owner, 5000, LEASE, 2);
          if (rows.length === 0) return;
          taken.push(...rows);
        }
      };
      await Promise.all([0, 1, 2, 3, 4, 5].map((i) => worker(i % 2 ? other : b, `live-${i}`)));
      expect(new Set(ids(taken)).size).toBe(40);
      expect(taken).toHaveLength(40);
      expect(new Set(taken.map((r) => r.attempt))).toEqual(new Set([2]));
    });

    it('never claims chunks of jobs that are not Active (paused, cancelling)', async () => {
      await fresh();
      await activeJob(b, 'paused', { chunks: 2 });
      await activeJob(b, 'running', { chunks: 1 });
      await b.jobs.transition({ jobId: 'paused', from: ['Active'], to: 'Pausing', now: 2000 });
      expect(ids(await b.chunks.claim('w', 3000, LEASE, 10))).toEqual(['running#0']);
      await b.jobs.transition({ jobId: 'paused', from: ['Pausing'], to: 'Paused', now: 2000 });
      await b.jobs.transition({ jobId: 'paused', from: ['Paused'], to: 'Active', now: 4000 });
      expect(picked(await b.chunks.claim('w', 5000, LEASE, 10))).toEqual(['paused#0', 'paused#1']);
    });

    it('fences commits by attempt: a stale attempt whose lease was taken over writes nothing', async () => {
      await fresh();
      await activeJob(b, 'j', { chunks: 1, tasksPerChunk: 10 });
      const [stale] = await b.chunks.claim('node-1', 1000, 100, 1);
      // The same owner never takes over its own expired lease (its worker may still run it)…
      expect(await b.chunks.claim('node-1', 5000, LEASE, 1)).toEqual([]);
      // …another owner does, after the TTL, with the next attempt.
      const other = await db.another();
      const [fresh2] = await other.chunks.claim('node-2', 5000, LEASE, 1);
      expect(fresh2?.attempt).toBe(2);
      const refused = await b.chunks.commit(
        progress(stale!, {
          cursor: 5,
          succeeded: 5,
          succeededDelta: 5,
          shardBytes: 50,
          shardAttempt: 1,
          next: 'done',
        }),
      );
      expect(refused).toEqual({ ok: false, jobSucceeded: 0, jobFailed: 0, jobTotal: 0 });
      expect(await b.jobs.getJobById('j')).toMatchObject({ succeededTasks: 0, failedTasks: 0 });
      expect(await b.chunks.listChunkShards('j')).toEqual([
        { chunkIndex: 0, shardBytes: 0, shardAttempt: 0 },
      ]);
      const ok = await other.chunks.commit(
        progress(fresh2!, {
          cursor: 10,
          succeeded: 9,
          failed: 1,
          succeededDelta: 9,
          failedDelta: 1,
          shardBytes: 80,
          shardAttempt: 2,
          next: 'done',
        }),
      );
      expect(ok).toEqual({ ok: true, jobSucceeded: 9, jobFailed: 1, jobTotal: 10 });
      expect(await b.chunks.countOpen('j')).toBe(0);
      // A done chunk refuses even its own attempt's late commit.
      expect((await other.chunks.commit(progress(fresh2!, { cursor: 10, succeededDelta: 1 }))).ok).toBe(
        false,
      );
      expect(await b.jobs.getJobById('j')).toMatchObject({ succeededTasks: 9, failedTasks: 1 });
    });

    it('jobsWithNothingOpen: the jobs of those statuses whose chunks are all done, or that have none', async () => {
      await fresh();
      /** An Active job whose first `done` chunks are claimed and committed done, then moved along `then`. */
      const job = async (id: string, chunks: number, done: number, then: string[]): Promise<void> => {
        await activeJob(b, id, { chunks });
        for (const row of await b.chunks.claim('n1', 2000, LEASE, done))
          expect(
            (
              await b.chunks.commit(
                progress(row, { cursor: row.taskCount, shardAttempt: row.attempt, next: 'done' }),
              )
            ).ok,
          ).toBe(true);
        let from = 'Active';
        for (const to of then) {
          await b.jobs.transition({ jobId: id, from: [from as 'Active'], to: to as 'Paused', now: 3000 });
          from = to;
        }
      };
      await job('paused-open', 3, 1, ['Pausing', 'Paused']);
      await job('paused-done', 2, 2, ['Pausing', 'Paused']);
      await job('pausing-done', 2, 2, ['Pausing']);
      await job('pausing-open', 2, 0, ['Pausing']);
      await job('paused-none', 0, 0, ['Pausing', 'Paused']);
      await job('active-done', 1, 1, []);
      const found = await b.chunks.jobsWithNothingOpen(['Pausing', 'Paused']);
      expect(found.sort((x, y) => (x.jobId < y.jobId ? -1 : 1))).toEqual([
        { jobId: 'paused-done', status: 'Paused' },
        { jobId: 'paused-none', status: 'Paused' },
        { jobId: 'pausing-done', status: 'Pausing' },
      ]);
      expect(await b.chunks.jobsWithNothingOpen(['Active'])).toEqual([
        { jobId: 'active-done', status: 'Active' },
      ]);
      expect(await b.chunks.jobsWithNothingOpen(['Ready'])).toEqual([]);
    });

    it('lists the chunks whose committed cursor is short of their tasks (the retry extension reads them)', async () => {
      await fresh();
      await activeJob(b, 'j', { chunks: 3, tasksPerChunk: 10 });
      const claimed = await b.chunks.claim('w1', 1000, LEASE, 2);
      const byIndex = new Map(claimed.map((c) => [c.chunkIndex, c]));
      // chunk 0 finishes; chunk 1 commits 4 tasks and is released (a cancel); chunk 2 never runs.
      await b.chunks.commit(
        progress(byIndex.get(0)!, { cursor: 10, succeeded: 10, succeededDelta: 10, next: 'done' }),
      );
      await b.chunks.commit(
        progress(byIndex.get(1)!, { cursor: 4, succeeded: 4, succeededDelta: 4, next: 'release' }),
      );
      const unfinished = await b.chunks.listUnfinishedChunks('j');
      expect(unfinished.map((c) => [c.chunkIndex, c.cursor, c.taskCount, c.firstTask])).toEqual([
        [1, 4, 10, 10],
        [2, 0, 10, 20],
      ]);
      expect(typeof unfinished[0]?.firstTask).toBe('number');
      expect(await b.chunks.listUnfinishedChunks('nobody')).toEqual([]);
    });

    it('resumes a released or expired chunk from its committed cursor, counters and shard', async () => {
      await fresh();
      await activeJob(b, 'j', { chunks: 2, tasksPerChunk: 10 });
      const [first] = await b.chunks.claim('w1', 1000, LEASE, 1);
      const kept = await b.chunks.commit(
        progress(first!, {
          cursor: 4,
          succeeded: 3,
          failed: 1,
          succeededDelta: 3,
          failedDelta: 1,
          shardBytes: 40,
          shardAttempt: 1,
          next: 'keep',
          leaseExpiresAt: 2000,
        }),
      );
      expect(kept).toEqual({ ok: true, jobSucceeded: 3, jobFailed: 1, jobTotal: 20 });
      expect(await b.chunks.countLiveLeases('j', 2000)).toBe(1); // renewed to leaseExpiresAt
      // The worker dies; after the renewed lease expires another node resumes at the cursor.
      const [resumed] = await b.chunks.claim('w2', 2001, LEASE, 1);
      expect(resumed).toMatchObject({
        chunkIndex: 0,
        attempt: 2,
        cursor: 4,
        succeeded: 3,
        failed: 1,
        shardBytes: 40,
        shardAttempt: 1,
      });
      const released = await b.chunks.commit(
        progress(resumed!, {
          cursor: 6,
          succeeded: 5,
          succeededDelta: 2,
          shardBytes: 60,
          shardAttempt: 2,
          next: 'release',
        }),
      );
      expect(released.ok).toBe(true);
      expect(await b.chunks.countLiveLeases('j', 0)).toBe(0); // released: pending, no lease
      const [again] = await b.chunks.claim('w2', 3000, LEASE, 1);
      expect(again).toMatchObject({
        chunkIndex: 0,
        attempt: 3,
        cursor: 6,
        succeeded: 5,
        failed: 1,
        shardBytes: 60,
        shardAttempt: 2,
      });
      expect(await b.jobs.getJobById('j')).toMatchObject({ succeededTasks: 5, failedTasks: 1 });
    });

    it('releaseAllLeases expires every lease; deleteChunks removes a job’s chunks', async () => {
      await fresh();
      await activeJob(b, 'j', { chunks: 3 });
      await b.chunks.claim('w', 1000, LEASE, 2);
      expect(await b.chunks.releaseAllLeases()).toBe(2);
      expect(await b.chunks.countLiveLeases('j', 1000)).toBe(0);
      expect(picked(await b.chunks.claim('w2', 1000, LEASE, 5))).toEqual(['j#0', 'j#1', 'j#2']);
      await b.chunks.deleteChunks('j');
      expect(await b.chunks.countChunks('j')).toBe(0);
      expect(await b.chunks.listChunkShards('j')).toEqual([]);
    });
  });
}
