import { describeJobResultXml } from '../job-xml.js';
import { jobHandler, loadJob, requireJobId } from './common.js';
import type { JobApiHandler, JobsApiDeps } from './types.js';

/** DescribeJob (spec §3). Elapsed Active time includes the running stint, so it is computed from the clock. */
export function describeJobHandler(deps: JobsApiDeps): JobApiHandler {
  return jobHandler(deps, 'oss:DescribeJob', async (req, accountId) => {
    const job = await loadJob(deps, accountId, requireJobId(req.query));
    return describeJobResultXml(job, deps.clock.now());
  });
}
