/** Shared fixtures of the db contract suites: a job spec, and helpers that put jobs and chunks in place through the ports. */
import type { Backend } from '../../src/db/backend.js';
import type { JobSpec, JobStatus } from '../../src/jobs/model.js';
import type { JobRecord } from '../../src/jobs/model.js';

export const ACCOUNT = '1111222233334444';

export const spec = (over: Partial<JobSpec> = {}): JobSpec => ({
  confirmationRequired: false,
  operation: { kind: 'DeleteObjectTagging' },
  report: { enabled: false, scope: 'AllTasks' },
  keyPrefix: { sourceBucket: 'src', prefix: '' },
  description: 'd',
  priority: 5,
  roleArn: `acs:ram::${ACCOUNT}:role/r`,
  ...over,
});

/** The path New → Preparing → Ready → Active, through the port's CAS transitions. */
const TO_ACTIVE: readonly [JobStatus, JobStatus][] = [
  ['New', 'Preparing'],
  ['Preparing', 'Ready'],
  ['Ready', 'Active'],
];

/** Creates a job with `chunks` chunks of `tasksPerChunk` tasks and makes it Active. */
export async function activeJob(
  b: Backend,
  jobId: string,
  opts: { priority?: number; createdAt?: number; chunks?: number; tasksPerChunk?: number } = {},
): Promise<JobRecord> {
  const now = opts.createdAt ?? 1000;
  await b.jobs.createJob({
    jobId,
    accountId: ACCOUNT,
    spec: spec({ priority: opts.priority ?? 5 }),
    requestHash: 'h',
    now,
  });
  const per = opts.tasksPerChunk ?? 10;
  const n = opts.chunks ?? 3;
  await b.chunks.insertChunks(
    jobId,
    Array.from({ length: n }, (_, i) => ({
      index: i,
      firstTask: i * per,
      taskCount: per,
      source: `src-${i}`,
    })),
  );
  await b.jobs.setTotalTasks(jobId, n * per);
  let job: JobRecord | undefined;
  for (const [from, to] of TO_ACTIVE) job = await b.jobs.transition({ jobId, from: [from], to, now });
  if (!job) throw new Error(`could not make ${jobId} Active`);
  return job;
}
