import type { Clock } from '../../protocol/clock.js';
import { createJobsService, type JobsService } from '../service/index.js';
import { createJobHandler } from './create-job.js';
import { describeJobHandler } from './describe-job.js';
import { listJobsHandler } from './list-jobs.js';
import { updateJobPriorityHandler } from './update-job-priority.js';
import { updateJobStatusHandler } from './update-job-status.js';
import type { JobsApi, JobsApiDeps } from './types.js';

export type { JobApiHandler, JobApiRequest, JobsApi, JobsApiDeps } from './types.js';

/**
 * The OSS XML codec of the five Batch Operations APIs (spec §2–6): query and XML body → typed service
 * input, typed result → XML reply body. Transport-free: the HTTP layer routes and frames them.
 */
export function createOssJobsCodec(service: JobsService, clock: Clock): JobsApi {
  return {
    createJob: createJobHandler(service),
    describeJob: describeJobHandler(service, clock),
    listJobs: listJobsHandler(service, clock),
    updateJobPriority: updateJobPriorityHandler(service),
    updateJobStatus: updateJobStatusHandler(service),
  };
}

/** The codec over a new service built from `deps` (tests and harnesses that need only the wire API). */
export function createJobsApi(deps: JobsApiDeps): JobsApi {
  return createOssJobsCodec(createJobsService(deps), deps.clock);
}
