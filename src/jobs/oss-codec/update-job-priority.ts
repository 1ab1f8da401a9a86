import { OssError } from '../../protocol/oss-error.js';
import { updateJobPriorityResultXml } from '../job-xml.js';
import { checkPriority, type JobsService } from '../service/index.js';
import { jobHandler, requireJobId } from './common.js';
import type { JobApiHandler } from './types.js';

/** UpdateJobPriority (spec §5) on the wire; the service refuses finished jobs (400 InvalidRequest). */
export function updateJobPriorityHandler(service: JobsService): JobApiHandler {
  return jobHandler(service, 'oss:UpdateJobPriority', async (req, who) => {
    const jobId = requireJobId(req.query);
    const priority = parsePriority(req.query.get('targetPriority'));
    return updateJobPriorityResultXml(await service.updateJobPriority(who, jobId, priority));
  });
}

export function parsePriority(raw: string | undefined): number {
  if (raw === undefined || raw === '')
    throw new OssError('MissingArgument', 'The targetPriority parameter is required.');
  return checkPriority(/^\d{1,10}$/.test(raw) ? Number(raw) : Number.NaN, raw);
}
