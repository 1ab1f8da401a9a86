import type { Clock } from '../../protocol/clock.js';
import { describeJobResultXml } from '../job-xml.js';
import type { JobsService } from '../service/index.js';
import { jobHandler, requireJobId } from './common.js';
import type { JobApiHandler } from './types.js';

/** DescribeJob (spec §3). Elapsed Active time includes the running stint, so it is computed from the clock. */
export function describeJobHandler(service: JobsService, clock: Clock): JobApiHandler {
  return jobHandler(service, 'oss:DescribeJob', async (req, who) => {
    const job = await service.describeJob(who, requireJobId(req.query));
    return describeJobResultXml(job, clock.now());
  });
}
