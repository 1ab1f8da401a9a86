import { describeJobResultXml } from '../job-xml.js';
import { authorizeJobAction, syncHandler, loadJob, requireJobId } from './common.js';
import type { JobApiHandler, JobsApiDeps } from './types.js';

/** DescribeJob (spec §3). Elapsed Active time includes the running stint, so it is computed from the clock. */
export function describeJobHandler(deps: JobsApiDeps): JobApiHandler {
  return syncHandler((req) => {
    const accountId = authorizeJobAction(deps, req, 'oss:DescribeJob');
    const job = loadJob(deps, accountId, requireJobId(req.query));
    return describeJobResultXml(job, deps.clock.now());
  });
}
