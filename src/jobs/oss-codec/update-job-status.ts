import { invalidArgument, OssError } from '../../protocol/oss-error.js';
import { REQUESTABLE_STATUSES, type RequestableStatus } from '../status-table.js';
import { updateJobStatusResultXml } from '../job-xml.js';
import { checkReason, MAX_REASON_CHARS, type JobsService } from '../service/index.js';
import { jobHandler, requireJobId } from './common.js';
import type { JobApiHandler } from './types.js';

export { MAX_REASON_CHARS };

/** UpdateJobStatus (spec §6) on the wire; the service decides by the status table, compare-and-set. */
export function updateJobStatusHandler(service: JobsService): JobApiHandler {
  return jobHandler(service, 'oss:UpdateJobStatus', async (req, who) => {
    const jobId = requireJobId(req.query);
    const requested = parseRequested(req.query.get('requestedJobStatus'));
    const reason = parseReason(req.query.get('statusUpdateReason'));
    return updateJobStatusResultXml(await service.updateJobStatus(who, jobId, requested, reason));
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

export const parseReason = (raw: string | undefined): string | undefined => checkReason(raw);
