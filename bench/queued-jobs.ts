/**
 * What the scheduler reads per engine pass with many jobs queued behind the active-job limit: every
 * Active, Pausing, Paused and Ready job, spec and all (what it read before), against the running ones plus
 * the first `maxActiveJobs` contenders (`findByStatus(…, limit)`, what it reads now), through the backend's
 * job repo. On SQLite the read runs on the event loop. docs/performance.md, eighth pass.
 *
 *   npx tsx bench/queued-jobs.ts [jobs=10000] [--db postgres://postgres@127.0.0.1:5432]   → one JSON line
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBackend } from '../dist/db/backend.js';
import { DEFAULT_MAX_ACTIVE_JOBS as SLOTS } from '../dist/engine/engine.js';
import { openBenchDb } from './bench-db.js';
import { createJobsIn, timeRead } from './many-jobs.js';

const dbAt = process.argv.indexOf('--db');
const jobs = Number(process.argv[2]?.startsWith('--') ? 10_000 : (process.argv[2] ?? 10_000));
const benchDb = await openBenchDb(dbAt >= 0 ? process.argv[dbAt + 1] : undefined);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-bench-'));
const backend = await createBackend({ db: benchDb.db, dataDir: dir });
try {
  await createJobsIn(backend, SLOTS, ['Preparing', 'Ready', 'Active'], 'running');
  await createJobsIn(backend, jobs, ['Preparing', 'Ready'], 'queued');
  const all: number[] = [];
  const first: number[] = [];
  for (let round = 0; round < 5; round++) {
    const a = await timeRead(() => backend.jobs.findByStatus(['Active', 'Pausing', 'Paused', 'Ready']));
    const f = await timeRead(async () => [
      ...(await backend.jobs.findByStatus(['Active', 'Pausing'])),
      ...(await backend.jobs.findByStatus(['Active', 'Paused', 'Ready'], SLOTS)),
    ]);
    if (a.rows !== jobs + SLOTS || f.rows !== 2 * SLOTS) throw new Error(`read ${a.rows} and ${f.rows} jobs`);
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
    }),
  );
} finally {
  await backend.close();
  await benchDb.drop();
  fs.rmSync(dir, { recursive: true, force: true });
}
