import { authorizeJobAction } from './common.js';
import { createJobHandler } from './create-job.js';
import { describeJobHandler } from './describe-job.js';
import { listJobsHandler } from './list-jobs.js';
import { updateJobPriorityHandler } from './update-job-priority.js';
import { updateJobStatusHandler } from './update-job-status.js';
import type { JobApiRequest, JobsApi, JobsApiDeps } from './types.js';

export type { JobApiHandler, JobApiRequest, JobsApi, JobsApiDeps } from './types.js';

/** The five OSS Batch Operations APIs (spec §2–6), transport-free: the HTTP layer routes and frames them. */
export function createJobsApi(deps: JobsApiDeps): JobsApi {
  return {
    createJob: createJobHandler(deps),
    describeJob: describeJobHandler(deps),
    listJobs: listJobsHandler(deps),
    updateJobPriority: updateJobPriorityHandler(deps),
    updateJobStatus: updateJobStatusHandler(deps),
  };
}

/** CreateJob's authorisation alone, from the caller's identity: the HTTP layer runs it before reading the body. */
export function createJobAuthorizer(deps: JobsApiDeps): (req: Omit<JobApiRequest, 'body'>) => Promise<void> {
  return async (req) => {
    await authorizeJobAction(deps, { ...req, body: Buffer.alloc(0) }, 'oss:CreateJob');
  };
}
