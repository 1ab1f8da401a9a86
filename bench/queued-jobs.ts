/**
 * What the scheduler reads per engine pass with many jobs queued behind the active-job limit, through the
 * backend's repos (on SQLite the reads run on the event loop). docs/performance.md, eighth pass.
 * - Ready jobs: every Active, Pausing, Paused and Ready job, spec and all (what it read before), against the
 *   running ones plus the first `maxActiveJobs` contenders (`findByStatus(…, limit)`, now).
 * - Paused jobs (pre-empted, work left): every Pausing and Paused job plus one count of open chunks each
 *   (before), against the ones with nothing open (`jobsWithNothingOpen`, now: none here).
 *
 *   npx tsx bench/queued-jobs.ts [jobs=10000] [--db postgres://postgres@127.0.0.1:5432]   → one JSON line
 */
import type { JobStatus } from '../dist/jobs/model.js';
import { DEFAULT_MAX_ACTIVE_JOBS as SLOTS } from '../dist/engine/engine.js';
import { beforeAndNow, createJobsIn, runRepoBench } from './many-jobs.js';

await runRepoBench('queued-jobs', async (backend, jobs) => {
  await createJobsIn(backend, SLOTS, ['Preparing', 'Ready', 'Active'], 'running', 1);
  await createJobsIn(backend, jobs, ['Preparing', 'Ready'], 'queued', 1);
  const pausedPath: JobStatus[] = ['Preparing', 'Ready', 'Active', 'Pausing', 'Paused'];
  await createJobsIn(backend, jobs, pausedPath, 'paused', 1);
  const contenders = await beforeAndNow(
    {
      read: () => backend.jobs.findByStatus(['Active', 'Pausing', 'Paused', 'Ready']),
      rows: 2 * jobs + SLOTS,
    },
    {
      read: async () => [
        ...(await backend.jobs.findByStatus(['Active', 'Paused', 'Ready'], SLOTS)),
        ...(await backend.jobs.findByStatus(['Active', 'Pausing'])),
      ],
      rows: 2 * SLOTS,
    },
  );
  const preempted = await beforeAndNow(
    {
      read: async () => {
        const rows = await backend.jobs.findByStatus(['Pausing', 'Paused']);
        for (const j of rows) await backend.chunks.countOpen(j.jobId);
        return rows;
      },
      rows: jobs,
    },
    { read: () => backend.chunks.jobsWithNothingOpen(['Pausing', 'Paused']), rows: 0 },
  );
  return {
    queued_jobs: jobs,
    slots: SLOTS,
    all_contenders_ms: contenders.before,
    running_and_first_ms: contenders.now,
    paused_jobs: jobs,
    paused_with_open_counts_ms: preempted.before,
    nothing_open_ms: preempted.now,
  };
});
