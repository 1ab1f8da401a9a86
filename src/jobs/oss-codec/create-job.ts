import { parseCreateJobRequest } from '../create-job-request.js';
import { createJobResultXml } from '../job-xml.js';
import type { JobsService } from '../service/index.js';
import { jobHandler } from './common.js';
import type { JobApiHandler } from './types.js';

/**
 * CreateJob (spec §2) on the wire: the XML body → JobSpec, the service commits the New row, the reply
 * names the JobId (the first one for a repeated ClientRequestToken, spec §7.6).
 */
export function createJobHandler(service: JobsService): JobApiHandler {
  return jobHandler(service, 'oss:CreateJob', async (req, who) => {
    const { job } = await service.createJob(who, parseCreateJobRequest(req.body));
    return createJobResultXml(job.jobId);
  });
}
