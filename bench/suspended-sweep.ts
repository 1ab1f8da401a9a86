/**
 * What the engine's 14-day sweep reads per pass with many jobs waiting for confirmation: every Suspended
 * job (`findByStatus(['Suspended'])`, what the sweep read before) against the due ones only
 * (`findSuspendedAtOrBefore(now − 14 days)`, none due here), through the backend's job repo. docs/performance.md,
 * seventh pass.
 *
 *   npx tsx bench/suspended-sweep.ts [jobs=10000] [--db postgres://postgres@127.0.0.1:5432]   → one JSON line
 */
import { SUSPEND_TIMEOUT_MS } from '../dist/engine/index.js';
import { beforeAndNow, createJobsIn, runRepoBench } from './many-jobs.js';

await runRepoBench('suspended-sweep', async (backend, jobs) => {
  await createJobsIn(backend, jobs, ['Preparing', 'Suspended']);
  const times = await beforeAndNow(
    { read: () => backend.jobs.findByStatus(['Suspended']), rows: jobs },
    { read: () => backend.jobs.findSuspendedAtOrBefore(Date.now() - SUSPEND_TIMEOUT_MS), rows: 0 },
  );
  return { suspended_jobs: jobs, all_suspended_ms: times.before, due_only_ms: times.now };
});
