import type { Principal, RequestContext } from '../../iam/types.js';
import type { JobsServiceDeps } from '../service/index.js';

/** What building the wire API from scratch needs: the jobs service's dependencies. */
export type JobsApiDeps = JobsServiceDeps;

/** What the HTTP layer hands over: query values already URL-decoded (spec §1). */
export interface JobApiRequest {
  readonly principal: Principal;
  readonly query: ReadonlyMap<string, string>;
  readonly body: Buffer;
  readonly context: RequestContext;
}

/** Resolves to the XML body of a 200 reply; rejects with OssError for every client-visible failure. */
export type JobApiHandler = (req: JobApiRequest) => Promise<string>;

export interface JobsApi {
  readonly createJob: JobApiHandler;
  readonly describeJob: JobApiHandler;
  readonly listJobs: JobApiHandler;
  readonly updateJobPriority: JobApiHandler;
  readonly updateJobStatus: JobApiHandler;
}
