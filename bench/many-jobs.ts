/**
 * Many jobs in one status, as CreateJob and the engine leave them, through the backend's job repo: what the
 * scheduler's and the 14-day sweep's reads are measured against (bench/queued-jobs.ts, bench/suspended-sweep.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBackend, type Backend } from '../dist/db/backend.js';
import type { JobStatus } from '../dist/jobs/model.js';
import { openBenchDb } from './bench-db.js';

/** A job as CreateJob stores it (confirmation required, so that it can wait in Suspended too). */
const SPEC = {
  confirmationRequired: true,
  operation: { kind: 'PutObjectTagging', tags: [{ key: 'project', value: 'ossbatch' }] },
  manifest: { bucket: 'bench', object: 'manifest.csv', format: 'OSS_BatchOperations_CSV_20250611' },
  report: { enabled: true, bucket: 'reports', prefix: 'bench/', scope: 'AllTasks' },
  roleArn: 'acs:ram::1234567890123456:role/batch',
  description: 'a job in a bench',
  priority: 10,
} as const;

/**
 * Creates `count` jobs named `${prefix}-i`, each with `chunks` planned chunks (none done), and moves each
 * along `path` (the statuses after New), in order.
 */
export async function createJobsIn(
  backend: Backend,
  count: number,
  path: readonly JobStatus[],
  prefix = 'job',
  chunks = 0,
): Promise<void> {
  for (let i = 0; i < count; i++) {
    const jobId = `${prefix}-${i}`;
    const now = Date.now();
    const spec = { ...SPEC, priority: 1 + (i % 100) };
    await backend.jobs.createJob({ jobId, accountId: '1234567890123456', spec, requestHash: jobId, now });
    const planned = Array.from({ length: chunks }, (_, index) => ({
      index,
      firstTask: index * 5000,
      taskCount: 5000,
      source: `manifest.csv@${index}`,
    }));
    if (chunks > 0) await backend.chunks.insertChunks(jobId, planned);
    let from: JobStatus = 'New';
    for (const to of path) {
      await backend.jobs.transition({ jobId, from: [from], to, now });
      from = to;
    }
  }
}

/** A read and the rows it must return (a check that the bench measures what it says). */
export interface CountedRead {
  read: () => Promise<unknown[]>;
  rows: number;
}

/** What a pass read before against what it reads now: five rounds, alternating, each read's time in ms. */
export async function beforeAndNow(
  before: CountedRead,
  now: CountedRead,
): Promise<{ before: number[]; now: number[] }> {
  const times = { before: [] as number[], now: [] as number[] };
  for (let round = 0; round < 5; round++) {
    for (const [which, r] of [
      ['before', before],
      ['now', now],
    ] as const) {
      const t = performance.now();
      const rows = (await r.read()).length;
      if (rows !== r.rows) throw new Error(`${which}: read ${rows} rows, expected ${r.rows}`);
      times[which].push(Math.round((performance.now() - t) * 100) / 100);
    }
  }
  return times;
}

/**
 * Runs one repo bench: a fresh backend (embedded, or PostgreSQL with `--db URL`), the job count from the
 * first argument (default 10,000), and one JSON line of what `body` returns, with the database named;
 * the database and data dir are removed afterwards.
 */
export async function runRepoBench(
  name: string,
  body: (backend: Backend, jobs: number) => Promise<Record<string, unknown>>,
): Promise<void> {
  const dbAt = process.argv.indexOf('--db');
  const jobs = Number(process.argv[2]?.startsWith('--') ? 10_000 : (process.argv[2] ?? 10_000));
  const benchDb = await openBenchDb(dbAt >= 0 ? process.argv[dbAt + 1] : undefined);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-bench-'));
  const backend = await createBackend({ db: benchDb.db, dataDir: dir });
  try {
    const fields = await body(backend, jobs);
    console.log(JSON.stringify({ bench: name, database: benchDb.label, ...fields }));
  } finally {
    await backend.close();
    await benchDb.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
