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
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBackend } from '../dist/db/backend.js';
import type { JobStatus } from '../dist/jobs/model.js';
import { DEFAULT_MAX_ACTIVE_JOBS as SLOTS } from '../dist/engine/engine.js';
import { openBenchDb } from './bench-db.js';
import { createJobsIn, timeRead } from './many-jobs.js';

const dbAt = process.argv.indexOf('--db');
const jobs = Number(process.argv[2]?.startsWith('--') ? 10_000 : (process.argv[2] ?? 10_000));
const benchDb = await openBenchDb(dbAt >= 0 ? process.argv[dbAt + 1] : undefined);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-bench-'));
const backend = await createBackend({ db: benchDb.db, dataDir: dir });
try {
  await createJobsIn(backend, SLOTS, ['Preparing', 'Ready', 'Active'], 'running', 1);
  await createJobsIn(backend, jobs, ['Preparing', 'Ready'], 'queued', 1);
  const pausedPath: JobStatus[] = ['Preparing', 'Ready', 'Active', 'Pausing', 'Paused'];
  await createJobsIn(backend, jobs, pausedPath, 'paused', 1);
  const all: number[] = [];
  const first: number[] = [];
  const paused: number[] = [];
  const nothingOpen: number[] = [];
  for (let round = 0; round < 5; round++) {
    const p = await timeRead(async () => {
      const rows = await backend.jobs.findByStatus(['Pausing', 'Paused']);
      for (const j of rows) await backend.chunks.countOpen(j.jobId);
      return rows;
    });
    const n = await timeRead(() => backend.chunks.jobsWithNothingOpen(['Pausing', 'Paused']));
    if (p.rows !== jobs || n.rows !== 0) throw new Error(`read ${p.rows} and ${n.rows} paused jobs`);
    paused.push(p.ms);
    nothingOpen.push(n.ms);
    const a = await timeRead(() => backend.jobs.findByStatus(['Active', 'Pausing', 'Paused', 'Ready']));
    const f = await timeRead(async () => [
      ...(await backend.jobs.findByStatus(['Active', 'Pausing'])),
      ...(await backend.jobs.findByStatus(['Active', 'Paused', 'Ready'], SLOTS)),
    ]);
    if (a.rows !== 2 * jobs + SLOTS || f.rows !== 2 * SLOTS)
      throw new Error(`read ${a.rows} and ${f.rows} jobs`);
    all.push(a.ms);
    first.push(f.ms);
  }
  console.log(
    JSON.stringify({
      bench: 'queued-jobs',
      database: benchDb.label,
      queued_jobs: jobs,
      slots: SLOTS,
      all_contenders_ms: all,
      running_and_first_ms: first,
      paused_jobs: jobs,
      paused_with_open_counts_ms: paused,
      nothing_open_ms: nothingOpen,
    }),
  );
} finally {
  await backend.close();
  await benchDb.drop();
  fs.rmSync(dir, { recursive: true, force: true });
}
