/**
 * Many jobs in one status, as CreateJob and the engine leave them, through the backend's job repo: what the
 * scheduler's and the 14-day sweep's reads are measured against (bench/queued-jobs.ts, bench/suspended-sweep.ts).
 */
import type { Backend } from '../dist/db/backend.js';
import type { JobStatus } from '../dist/jobs/model.js';

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

/** Runs `read` once and times it. */
export async function timeRead(read: () => Promise<unknown[]>): Promise<{ ms: number; rows: number }> {
  const t = performance.now();
  const rows = (await read()).length;
  return { ms: Math.round((performance.now() - t) * 100) / 100, rows };
}
