import { invalidArgument, OssError } from '../../protocol/oss-error.js';
import type { JobRecord } from '../model.js';
import { REQUESTABLE_STATUSES, requestedStatusOutcome, type RequestableStatus } from '../status-table.js';
import { charCount } from '../request-fields.js';
import { updateJobStatusResultXml } from '../job-xml.js';
import { jobHandler, loadJob, notifyChange, requireJobId } from './common.js';
import type { JobApiHandler, JobsApiDeps } from './types.js';

/** Spec §6 / §15. */
export const MAX_REASON_CHARS = 256;

/**
 * UpdateJobStatus (spec §6): Ready or Cancelled, decided by the status table; applied compare-and-set.
 * If the engine moved the job between our read and our write, we re-read and decide again once — the
 * second decision sees the new status (e.g. Preparing became Suspended, so Ready now means → Ready).
 */
export function updateJobStatusHandler(deps: JobsApiDeps): JobApiHandler {
  return jobHandler(deps, 'oss:UpdateJobStatus', async (req, accountId) => {
    const jobId = requireJobId(req.query);
    const requested = parseRequested(req.query.get('requestedJobStatus'));
    const reason = parseReason(req.query.get('statusUpdateReason'));
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const updated = await tryUpdate(deps, await loadJob(deps, accountId, jobId), requested, reason);
      if (updated) {
        notifyChange(deps, jobId);
        return updateJobStatusResultXml(updated);
      }
    }
    throw new OssError(
      'ServiceUnavailable',
      'The job status changed while the request was applied; retry the request.',
    );
  });
}

function tryUpdate(
  deps: JobsApiDeps,
  job: JobRecord,
  requested: RequestableStatus,
  reason: string | undefined,
): Promise<JobRecord | undefined> {
  const outcome = requestedStatusOutcome(job.status, requested);
  if (!outcome.ok) throw new OssError('InvalidRequest', outcome.message);
  if (outcome.preConfirm) return deps.repo.markPreConfirmed(job.jobId, reason);
  return deps.repo.transition({
    jobId: job.jobId,
    from: [job.status],
    to: outcome.to,
    now: deps.clock.now(),
    reason,
  });
}

export function parseRequested(raw: string | undefined): RequestableStatus {
  if (raw === undefined || raw === '')
    throw new OssError('MissingArgument', 'The requestedJobStatus parameter is required.');
  if (!(REQUESTABLE_STATUSES as readonly string[]).includes(raw)) {
    throw invalidArgument(
      `The requestedJobStatus ${JSON.stringify(raw.slice(0, 32))} is invalid; it must be Ready or Cancelled.`,
    );
  }
  return raw as RequestableStatus;
}

export function parseReason(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const n = charCount(raw);
  if (n < 1 || n > MAX_REASON_CHARS) {
    throw invalidArgument(
      `The statusUpdateReason must be 1 to ${MAX_REASON_CHARS} characters long; got ${n}.`,
    );
  }
  return raw;
}
