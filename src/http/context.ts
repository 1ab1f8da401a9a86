import type { IncomingMessage } from 'node:http';
import type pino from 'pino';
import type { SessionRepo } from '../console/session-repo.js';
import type { Iam, Principal, RequestContext } from '../iam/types.js';
import type { JobsService } from '../jobs/service/index.js';
import type { Clock } from '../protocol/clock.js';
import type { RequestTarget } from '../protocol/request-target.js';
import type { ObjectStore } from '../store/object-store.js';
import type { BucketInfo, ObjectMeta } from '../store/types.js';
import type { BodyTimeouts } from './body-deadline.js';
import type { BucketCache } from './bucket-cache.js';
import type { JobWriteSignature } from './job-write-signature.js';
import type { HttpMetrics } from './metrics.js';
import type { RatePoint } from '../console/rate-history.js';
import type { RetryCaller, RetryOutcome } from '../extensions/job-retry/retry-job.js';

/** One batch-job API call as the jobs layer takes it (src/jobs/api); returns the XML reply body (200). */
export interface JobsApiRequest {
  readonly principal: Principal;
  readonly query: ReadonlyMap<string, string>;
  readonly body: Buffer;
  readonly context: RequestContext;
}
export type JobsApiCall = (req: JobsApiRequest) => Promise<string>;

/** The five batch APIs (spec §1); the jobs layer authorises the caller itself and throws OssError. */
export interface JobsApiPort {
  createJob: JobsApiCall;
  describeJob: JobsApiCall;
  listJobs: JobsApiCall;
  updateJobPriority: JobsApiCall;
  updateJobStatus: JobsApiCall;
}

/** Everything the HTTP layer needs, built once by the composition root (src/server.ts). */
export interface HttpDeps {
  readonly store: ObjectStore;
  /** Bucket metadata for authorisation; handlers that change a bucket invalidate it. */
  readonly buckets: BucketCache;
  readonly iam: Iam;
  readonly jobs: JobsApiPort;
  /** The typed jobs service behind `jobs` (the console calls it directly). */
  readonly jobsService: JobsService;
  readonly clock: Clock;
  readonly region: string;
  readonly baseDomains: readonly string[];
  readonly logger: pino.Logger;
  readonly metrics: HttpMetrics;
  /** Policy documents are validated by the IAM layer's parser; returns a reason when invalid. */
  readonly validateBucketPolicy: (bucket: string, owner: string, policy: string) => string | undefined;
  /** The RetryJob extension (src/extensions/job-retry); absent = not offered. */
  readonly retryJob?: ((caller: RetryCaller, jobId: string) => Promise<RetryOutcome>) | undefined;
  /** Task-rate samples per job for the console's chart (src/console/rate-history.ts). */
  readonly rateHistory?: { rates(jobId: string): readonly RatePoint[] } | undefined;
  /** Role ARNs of the account, for the console's create form (absent: none offered). */
  readonly listRoleArns?: (() => Promise<readonly string[]>) | undefined;
  /** Readiness for GET /-/health. */
  readonly isReady: () => boolean;
  /** Request body idle/total timeouts (RequestTimeout), applied to every route. */
  readonly bodyTimeouts: BodyTimeouts;
  /** `--job-write-signature` (job-write-signature.ts). */
  readonly jobWriteSignature: JobWriteSignature;
  /** `--metrics-token`: bearer token for GET /-/metrics; undefined = loopback callers only. */
  readonly metricsToken: string | undefined;
  /** This node's id and the database state, shown by GET /-/health. */
  readonly nodeId: string;
  readonly databaseHealth: () => Promise<{ ok: boolean; kind: string; error?: string | undefined }>;
  /** Console session storage (the Backend's sessions port). */
  readonly consoleSessions: SessionRepo;
}

/** One request after authentication, as handlers see it. */
export interface OpContext {
  readonly deps: HttpDeps;
  readonly requestId: string;
  readonly method: string;
  readonly raw: IncomingMessage;
  readonly target: RequestTarget;
  readonly principal: Principal;
  readonly authContext: RequestContext;
  /** The target bucket, loaded before authorisation for bucket- and object-level operations. */
  readonly bucket: BucketInfo | undefined;
  /** The target object's current metadata (object-level operations), when it exists. */
  readonly object: ObjectMeta | undefined;
  /** Reads a small (XML/JSON) request body, capped at 1 MiB, Content-MD5 verified. */
  readonly readBody: () => Promise<Buffer>;
  /** Authorises a further action (CopyObject's source read) with the same principal and context. */
  readonly authorize: (action: string, bucket: BucketInfo, key?: string, object?: ObjectMeta) => void;
}

/** Header value as one string (repeated headers joined with `,`). */
export function header(ctx: OpContext, name: string): string | undefined {
  const v = ctx.raw.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** The caller's account id (undefined for anonymous). */
export function callerAccount(principal: Principal): string | undefined {
  return principal.kind === 'anonymous' ? undefined : principal.accountId;
}

/** `acs:oss:<region>:<owner>:<bucket>[/<key>]` (spec §10.3). */
export function resourceArn(region: string, owner: string, bucket?: string, key?: string): string {
  if (bucket === undefined) return `acs:oss:${region}:${owner}:*`;
  return key === undefined
    ? `acs:oss:${region}:${owner}:${bucket}`
    : `acs:oss:${region}:${owner}:${bucket}/${key}`;
}
