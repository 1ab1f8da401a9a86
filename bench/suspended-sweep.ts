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

const dbAt = process.argv.indexOf('--db');
const jobs = Number(process.argv[2]?.startsWith('--') ? 10_000 : (process.argv[2] ?? 10_000));
const benchDb = await openBenchDb(dbAt >= 0 ? process.argv[dbAt + 1] : undefined);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-bench-'));
const backend = await createBackend({ db: benchDb.db, dataDir: dir });
try {
  // A job as CreateJob stores it, with confirmation required.
  const spec = {
    confirmationRequired: true,
    operation: { kind: 'PutObjectTagging', tags: [{ key: 'project', value: 'ossbatch' }] },
    manifest: { bucket: 'bench', object: 'manifest.csv', format: 'OSS_BatchOperations_CSV_20250611' },
    report: { enabled: true, bucket: 'reports', prefix: 'bench/', scope: 'AllTasks' },
    roleArn: 'acs:ram::1234567890123456:role/batch',
    description: 'a job waiting for confirmation',
    priority: 10,
  } as const;
  for (let i = 0; i < jobs; i++) {
    const jobId = `job-${i}`;
    const now = Date.now();
    await backend.jobs.createJob({ jobId, accountId: '1234567890123456', spec, requestHash: jobId, now });
    await backend.jobs.transition({ jobId, from: ['New'], to: 'Preparing', now });
    await backend.jobs.transition({ jobId, from: ['Preparing'], to: 'Suspended', now });
  }
  const time = async (read: () => Promise<unknown[]>): Promise<{ ms: number; rows: number }> => {
    const t = performance.now();
    const rows = (await read()).length;
    return { ms: Math.round((performance.now() - t) * 100) / 100, rows };
  };
  const all: number[] = [];
  const due: number[] = [];
  for (let round = 0; round < 5; round++) {
    const a = await time(() => backend.jobs.findByStatus(['Suspended']));
    const d = await time(() => backend.jobs.findSuspendedAtOrBefore(Date.now() - SUSPEND_TIMEOUT_MS));
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
