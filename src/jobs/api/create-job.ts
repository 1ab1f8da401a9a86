import { newJobId } from '../../protocol/ids.js';
import { parseCreateJobRequest, requestHash } from '../create-job-request.js';
import { checkJobReferences } from '../job-references.js';
import { createJobResultXml } from '../job-xml.js';
import { authorizeJobAction, notifyChange } from './common.js';
import type { JobApiHandler, JobsApiDeps } from './types.js';

/**
 * CreateJob (spec §2): authorise, parse + validate, check the role and buckets, then commit the New row
 * before replying (nothing accepted is lost). A repeated ClientRequestToken with the same normalised
 * request returns the first JobId; with a different one, 409 IdempotentParameterMismatch (spec §7.6).
 */
export function createJobHandler(deps: JobsApiDeps): JobApiHandler {
  return async (req) => {
    const accountId = await authorizeJobAction(deps, req, 'oss:CreateJob');
    const spec = parseCreateJobRequest(req.body);
    await checkJobReferences(spec, accountId, deps);
    const { job, created } = await deps.repo.createJob({
      jobId: newJobId(),
      accountId,
      spec,
      requestHash: requestHash(spec),
      now: deps.clock.now(),
    });
    if (created) notifyChange(deps, job.jobId);
    return createJobResultXml(job.jobId);
  };
}
