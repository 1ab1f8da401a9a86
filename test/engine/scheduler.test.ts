import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/db/backend.js';
import { EngineEvents } from '../../src/engine/events.js';
import { JobMover } from '../../src/engine/job-mover.js';
import { schedule, type SchedulerEnv } from '../../src/engine/scheduler.js';
import { systemClock } from '../../src/protocol/clock.js';
import { backendFactories, suiteTitle } from '../db/backends.js';
import { activeJob } from '../db/fixtures.js';

const BACKENDS = backendFactories('scheduler');
afterAll(async () => {
  for (const f of BACKENDS) await f.dropAll();
});

/** One scheduler pass over real repos, as an engine with no worker of its own runs it. */
function env(b: Backend, maxActiveJobs: number): SchedulerEnv {
  const events = new EngineEvents();
  return {
    repo: b.jobs,
    chunks: b.chunks,
    mover: new JobMover(b.jobs, systemClock, pino({ level: 'silent' }), events),
    clock: systemClock,
    maxActiveJobs,
    localWorkers: () => 0,
  };
}

/** Claims and commits done every chunk of an Active job (they are all its chunks that are claimable). */
async function finishChunks(b: Backend, jobId: string): Promise<void> {
  for (const row of await b.chunks.claim('n1', Date.now(), 30_000, 100)) {
    expect(row.jobId).toBe(jobId);
    const done = await b.chunks.commit({
      jobId,
      chunkIndex: row.chunkIndex,
      attempt: row.attempt,
      cursor: row.taskCount,
      succeeded: row.taskCount,
      failed: 0,
      shardBytes: 0,
      shardAttempt: row.attempt,
      succeededDelta: row.taskCount,
      failedDelta: 0,
      next: 'done',
      leaseExpiresAt: 0,
    });
    expect(done.ok).toBe(true);
  }
}

for (const factory of BACKENDS) {
  describe.skipIf(factory.skip !== undefined)(suiteTitle(factory, 'scheduler pass'), () => {
    it('a job pre-empted while its last batch ran completes without a slot', async () => {
      const b = (await factory.open()).backend;
      // `done-paused` ran every chunk, but was pre-empted (Pausing → Paused) before the pass saw it done;
      // `done-pausing` likewise, still Pausing. `running` holds the only slot with work left.
      for (const id of ['done-paused', 'done-pausing']) {
        await activeJob(b, id, { priority: 1, chunks: 2 });
        await finishChunks(b, id);
        await b.jobs.transition({ jobId: id, from: ['Active'], to: 'Pausing', now: Date.now() });
      }
      await b.jobs.transition({ jobId: 'done-paused', from: ['Pausing'], to: 'Paused', now: Date.now() });
      await activeJob(b, 'open-paused', { priority: 2, chunks: 2 });
      await b.jobs.transition({ jobId: 'open-paused', from: ['Active'], to: 'Pausing', now: Date.now() });
      await b.jobs.transition({ jobId: 'open-paused', from: ['Pausing'], to: 'Paused', now: Date.now() });
      await activeJob(b, 'running', { priority: 9, chunks: 3 });

      await schedule(env(b, 1));

      const status = async (id: string): Promise<string | undefined> => (await b.jobs.getJobById(id))?.status;
      expect(await status('done-paused')).toBe('Completing');
      expect(await status('done-pausing')).toBe('Completing');
      // The job with work left waits for the slot; the one holding it keeps it.
      expect(await status('open-paused')).toBe('Paused');
      expect(await status('running')).toBe('Active');
    });

    it('fills the free slots with the highest-priority contenders among many queued, and pre-empts below them', async () => {
      const b = (await factory.open()).backend;
      await activeJob(b, 'active-low', { priority: 1, chunks: 1 });
      for (let i = 0; i < 30; i++) {
        const id = `queued-${String(i).padStart(2, '0')}`;
        await activeJob(b, id, { priority: 10 + (i % 7), createdAt: 1000 + i, chunks: 1 });
        await b.jobs.transition({ jobId: id, from: ['Active'], to: 'Pausing', now: 2000 });
        await b.jobs.transition({ jobId: id, from: ['Pausing'], to: 'Paused', now: 2000 });
      }
      // Priority 16 is i = 6, 13, 20, 27: the three oldest of them win the three slots.
      const e = env(b, 3);
      await schedule(e);
      expect(await b.jobs.findByStatus(['Active'])).toHaveLength(3);
      expect((await b.jobs.findByStatus(['Active'])).map((j) => j.jobId).sort()).toEqual([
        'queued-06',
        'queued-13',
        'queued-20',
      ]);
      expect((await b.jobs.getJobById('active-low'))?.status).toBe('Pausing');
    });
  });
}
