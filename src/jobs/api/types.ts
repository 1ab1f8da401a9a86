import type { Iam, Principal, RequestContext } from '../../iam/types.js';
import type { ObjectStore } from '../../store/object-store.js';
import type { Clock } from '../../protocol/clock.js';
import type { JobRepo } from '../job-repo.js';

export interface JobsApiDeps {
  readonly repo: JobRepo;
  readonly iam: Iam;
  readonly store: ObjectStore;
  readonly clock: Clock;
  /** The server's region: part of the authorised resource ARN and the region every job bucket must be in. */
  readonly region: string;
  /** Called after every committed create / priority / status change so the engine wakes up. */
  readonly onChange?: ((jobId: string) => void) | undefined;
  /** Why the engine holds a job back right now (e.g. waiting for disk space); shown as StatusUpdateReason. */
  readonly notice?: ((jobId: string) => string | undefined) | undefined;
}

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
