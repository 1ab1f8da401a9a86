import { describeJobResultXml } from '../job-xml.js';
import { jobHandler, loadJob, requireJobId, withNotice } from './common.js';
import type { JobApiHandler, JobsApiDeps } from './types.js';

/** DescribeJob (spec §3). Elapsed Active time includes the running stint, so it is computed from the clock. */
export function describeJobHandler(deps: JobsApiDeps): JobApiHandler {
  return jobHandler(deps, 'oss:DescribeJob', (req, accountId) => {
    const job = loadJob(deps, accountId, requireJobId(req.query));
    return describeJobResultXml(withNotice(deps, job), deps.clock.now());
  });
}
