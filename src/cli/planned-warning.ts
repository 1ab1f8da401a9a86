import type { OssBatchClient } from '../client/client.js';
import { TERMINAL_STATUSES } from '../client/types.js';
import type { CliIo } from './output.js';

/** How long create-job waits for the plan before it stops watching (it never delays longer than this). */
const PLAN_WAIT_MS = 5000;
const PLAN_POLL_MS = 100;

/**
 * After CreateJob: waits (at most PLAN_WAIT_MS) until the server has planned the job's manifest, and
 * warns on stderr when it holds 0 tasks (issue 11: a typo'd prefix would otherwise "complete" silently).
 * The reply was already printed; a slow plan or a failed DescribeJob only ends the wait.
 */
export async function warnIfNothingPlanned(client: OssBatchClient, jobId: string, io: CliIo): Promise<void> {
  const until = io.now() + PLAN_WAIT_MS;
  try {
    for (;;) {
      const job = await client.describeJob(jobId);
      if (job.progress.totalTasks === 0) {
        io.stderr.write(
          `ossbatch: warning: job ${jobId} has 0 tasks: its manifest or prefix matched no objects\n`,
        );
        return;
      }
      if (job.progress.totalTasks > 0 || TERMINAL_STATUSES.includes(job.status)) return;
      if (io.now() >= until) return;
      await io.sleep(PLAN_POLL_MS);
    }
  } catch {
    return;
  }
}
