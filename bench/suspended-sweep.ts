/**
 * What the engine's 14-day sweep reads per pass with many jobs waiting for confirmation: every Suspended
 * job (`findByStatus(['Suspended'])`, what the sweep read before) against the due ones only
 * (`findSuspendedAtOrBefore(now − 14 days)`, none due here), through the backend's job repo. docs/performance.md,
 * seventh pass.
 *
 *   npx tsx bench/suspended-sweep.ts [jobs=10000] [--db postgres://postgres@127.0.0.1:5432]   → one JSON line
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBackend } from '../dist/db/backend.js';
import { SUSPEND_TIMEOUT_MS } from '../dist/engine/index.js';
import { openBenchDb } from './bench-db.js';
import { createJobsIn, timeRead } from './many-jobs.js';

const dbAt = process.argv.indexOf('--db');
const jobs = Number(process.argv[2]?.startsWith('--') ? 10_000 : (process.argv[2] ?? 10_000));
const benchDb = await openBenchDb(dbAt >= 0 ? process.argv[dbAt + 1] : undefined);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-bench-'));
const backend = await createBackend({ db: benchDb.db, dataDir: dir });
try {
  await createJobsIn(backend, jobs, ['Preparing', 'Suspended']);
  const all: number[] = [];
  const due: number[] = [];
  for (let round = 0; round < 5; round++) {
    const a = await timeRead(() => backend.jobs.findByStatus(['Suspended']));
    const d = await timeRead(() => backend.jobs.findSuspendedAtOrBefore(Date.now() - SUSPEND_TIMEOUT_MS));
    if (a.rows !== jobs || d.rows !== 0) throw new Error(`read ${a.rows} and ${d.rows} jobs`);
    all.push(a.ms);
    due.push(d.ms);
  }
  console.log(
    JSON.stringify({
      bench: 'suspended-sweep',
      database: benchDb.label,
      suspended_jobs: jobs,
      all_suspended_ms: all,
      due_only_ms: due,
    }),
  );
} finally {
  await backend.close();
  await benchDb.drop();
  fs.rmSync(dir, { recursive: true, force: true });
}
