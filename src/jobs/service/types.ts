import type { Iam, Principal, RequestContext } from '../../iam/types.js';
import type { Clock } from '../../protocol/clock.js';
import type { ObjectStore } from '../../store/object-store.js';
import type { JobRepo } from '../job-repo.js';
import type { ListCursor } from '../list-token.js';
import type { JobRecord, JobSpec, JobStatus } from '../model.js';
import type { RequestableStatus } from '../status-table.js';

export type JobAction =
  'oss:CreateJob' | 'oss:DescribeJob' | 'oss:ListJobs' | 'oss:UpdateJobPriority' | 'oss:UpdateJobStatus';

/** Who calls a job operation, with the request facts policy conditions test. */
export interface JobCaller {
  readonly principal: Principal;
  readonly context: RequestContext;
}

/**
 * Proof that `caller` may perform `action` on the jobs of `accountId`, issued only by
 * JobsService.authorize. A transport authorises first and parses its input second, so a caller without
 * the permission learns nothing from validation errors (the wire order of OSS errors).
 */
export interface AuthorizedCaller extends JobCaller {
  readonly accountId: string;
  readonly action: JobAction;
}

export interface JobsServiceDeps {
  readonly repo: JobRepo;
  readonly iam: Iam;
  readonly store: ObjectStore;
  readonly clock: Clock;
  /** The server's region: part of the authorised resource ARN and the region every job bucket must be in. */
  readonly region: string;
  /** Called after every committed create / priority / status change (the engines' wake-up). */
  readonly onChange?: ((jobId: string) => void) | undefined;
  /** Why the engine holds a job back right now (e.g. waiting for disk space); shown as StatusUpdateReason. */
  readonly notice?: ((jobId: string) => string | undefined) | undefined;
}

export interface ListJobsInput {
  readonly statuses?: readonly JobStatus[] | undefined;
  /** 1 … 1000. */
  readonly maxKeys: number;
  /** The (createdAt, jobId) of the last job of the previous page. */
  readonly after?: ListCursor | undefined;
}

export interface ListJobsResult {
  readonly jobs: readonly JobRecord[];
  /** Set when more jobs remain: the cursor of the last job returned. */
  readonly next?: ListCursor | undefined;
}

/**
 * The five OSS Batch Operations, transport-free: typed input, typed results, OssError for every
 * client-visible failure. The OSS XML wire (jobs/oss-codec) and the console both call it.
 */
export interface JobsService {
  /** RAM policy, or a bucket policy of any bucket of the account (spec §8.2); AccessDenied otherwise. */
  authorize(caller: JobCaller, action: JobAction): Promise<AuthorizedCaller>;
  /** Commits the New row before resolving; `created:false` for a repeated ClientRequestToken. */
  createJob(who: AuthorizedCaller, spec: JobSpec): Promise<{ job: JobRecord; created: boolean }>;
  describeJob(who: AuthorizedCaller, jobId: string): Promise<JobRecord>;
  listJobs(who: AuthorizedCaller, input: ListJobsInput): Promise<ListJobsResult>;
  updateJobPriority(who: AuthorizedCaller, jobId: string, priority: number): Promise<JobRecord>;
  updateJobStatus(
    who: AuthorizedCaller,
    jobId: string,
    requested: RequestableStatus,
    reason?: string,
  ): Promise<JobRecord>;
}
