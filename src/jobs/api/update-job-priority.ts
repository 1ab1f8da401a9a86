import { invalidArgument, OssError } from '../../protocol/oss-error.js';
import { MAX_PRIORITY } from '../create-job-request.js';
import { updateJobPriorityResultXml } from '../job-xml.js';
import { jobHandler, loadJob, notifyChange, requireJobId } from './common.js';
import type { JobApiHandler, JobsApiDeps } from './types.js';

/**
 * UpdateJobPriority (spec §5): any non-terminal job; a finished one → 400 InvalidRequest (spec §5
 * recommendation; changing a finished job's priority means nothing and would only bump its version).
 */
export function updateJobPriorityHandler(deps: JobsApiDeps): JobApiHandler {
  return jobHandler(deps, 'oss:UpdateJobPriority', async (req, accountId) => {
    const jobId = requireJobId(req.query);
    const priority = parsePriority(req.query.get('targetPriority'));
    const updated = await deps.repo.setPriority(accountId, jobId, priority);
    if (updated === undefined) {
      const job = await loadJob(deps, accountId, jobId); // NoSuchJob when it is not there
      throw new OssError(
        'InvalidRequest',
        `The job status is ${job.status} and its priority can no longer be changed.`,
      );
    }
    notifyChange(deps, jobId);
    return updateJobPriorityResultXml(updated);
  });
}

export function parsePriority(raw: string | undefined): number {
  if (raw === undefined || raw === '')
    throw new OssError('MissingArgument', 'The targetPriority parameter is required.');
  const n = /^\d{1,10}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(n >= 0 && n <= MAX_PRIORITY)) {
    throw invalidArgument(
      `The targetPriority ${JSON.stringify(raw.slice(0, 32))} is invalid; it must be an integer from 0 to ${MAX_PRIORITY}.`,
    );
  }
  return n;
}
