import {
  JOB_STATUSES as MODEL_STATUSES,
  TERMINAL_STATUSES as MODEL_TERMINAL,
  type JobStatus,
} from '../jobs/model.js';

/** Public types of the typed client (spec §2–6). Counts and times are numbers; statuses are unions. */

// One list of statuses and operation names for server and client (spec §7.2, §2.2): jobs/model.ts has no
// server dependencies, so the client imports it like it imports protocol/.
export type { JobStatus, OperationName } from '../jobs/model.js';
export const JOB_STATUSES: readonly JobStatus[] = MODEL_STATUSES;

/** The statuses after which a job never changes again (spec §7.2). */
export const TERMINAL_STATUSES: readonly JobStatus[] = [...MODEL_TERMINAL];

export interface Tag {
  readonly key: string;
  readonly value: string;
}

export type ObjectAcl = 'default' | 'private' | 'public-read' | 'public-read-write';

export type JobOperation =
  | { readonly type: 'PutObjectTagging' | 'AddObjectTagging'; readonly tags: readonly Tag[] }
  | { readonly type: 'DeleteObjectTagging' }
  | { readonly type: 'PutObjectAcl'; readonly acl: ObjectAcl }
  | { readonly type: 'RestoreObject'; readonly days: number; readonly tier?: string | undefined };

export type ManifestFormat = 'OSS_BatchOperations_CSV_20250611' | 'OSS_InventoryReport_CSV_20250611';

export interface ManifestSource {
  readonly kind: 'manifest';
  readonly bucket: string;
  readonly object: string;
  readonly etag?: string | undefined;
  readonly versionId?: string | undefined;
  readonly format: ManifestFormat;
  /** Comma-separated, e.g. `Bucket,Key` (required for the CSV format). */
  readonly fields?: string | undefined;
}

export interface PrefixSource {
  readonly kind: 'prefix';
  readonly sourceBucket: string;
  readonly prefix?: string | undefined;
}

export type ReportScope = 'AllTasks' | 'FailedTasksOnly';

export interface ReportConfig {
  readonly enabled: boolean;
  readonly bucket?: string | undefined;
  readonly prefix?: string | undefined;
  readonly scope?: ReportScope | undefined;
}

export interface CreateJobInput {
  readonly operation: JobOperation;
  readonly source: ManifestSource | PrefixSource;
  readonly roleArn: string;
  readonly report?: ReportConfig | undefined;
  readonly priority?: number | undefined;
  readonly description?: string | undefined;
  readonly confirmationRequired?: boolean | undefined;
  /** Idempotency token (spec §7.6); the client does not invent one. */
  readonly clientRequestToken?: string | undefined;
}

export interface ProgressSummary {
  /** -1 while unknown (spec §7.5). */
  readonly totalTasks: number;
  readonly succeededTasks: number;
  readonly failedTasks: number;
  readonly elapsedActiveSeconds: number;
}

export interface JobFailure {
  readonly code: string;
  readonly reason: string;
}

export interface Job {
  readonly jobId: string;
  readonly status: JobStatus;
  readonly priority: number;
  readonly description?: string | undefined;
  readonly roleArn?: string | undefined;
  readonly confirmationRequired: boolean;
  /** Epoch seconds. */
  readonly creationTime: number;
  /** Epoch seconds; undefined while the job runs. */
  readonly terminationDate?: number | undefined;
  readonly statusUpdateReason?: string | undefined;
  readonly operation?: JobOperation | undefined;
  readonly source?: ManifestSource | PrefixSource | undefined;
  readonly report?: ReportConfig | undefined;
  readonly progress: ProgressSummary;
  readonly failures: readonly JobFailure[];
}

export interface JobSummary {
  readonly jobId: string;
  readonly status: JobStatus;
  readonly operation: string;
  readonly priority: number;
  readonly description?: string | undefined;
  readonly creationTime: number;
  readonly terminationDate?: number | undefined;
  readonly progress: ProgressSummary;
}

export interface ListJobsOptions {
  readonly statuses?: readonly JobStatus[] | string | undefined;
  readonly maxKeys?: number | undefined;
  readonly continuationToken?: string | undefined;
}

export interface ListJobsResult {
  readonly jobs: readonly JobSummary[];
  readonly nextToken?: string | undefined;
}

export interface UpdateJobPriorityResult {
  readonly jobId: string;
  readonly priority: number;
}

export interface UpdateJobStatusResult {
  readonly jobId: string;
  readonly status: JobStatus;
  readonly statusUpdateReason?: string | undefined;
}

export interface ObjectSummary {
  readonly key: string;
  readonly size: number;
  readonly etag: string;
  readonly lastModified: string;
  readonly storageClass?: string | undefined;
}

export interface ListObjectsOptions {
  readonly prefix?: string | undefined;
  readonly delimiter?: string | undefined;
  readonly continuationToken?: string | undefined;
  readonly startAfter?: string | undefined;
  readonly maxKeys?: number | undefined;
}

export interface ListObjectsResult {
  readonly objects: readonly ObjectSummary[];
  readonly commonPrefixes: readonly string[];
  readonly isTruncated: boolean;
  readonly nextContinuationToken?: string | undefined;
}

export interface ObjectHead {
  readonly size: number;
  readonly etag: string;
  readonly lastModified?: string | undefined;
  readonly contentType?: string | undefined;
  /** `x-oss-meta-*` headers without the prefix. */
  readonly meta: Readonly<Record<string, string>>;
}

export interface PutObjectOptions {
  readonly contentType?: string | undefined;
  readonly meta?: Readonly<Record<string, string>> | undefined;
}

export interface PutObjectResult {
  readonly etag: string;
  readonly requestId: string;
}

/** What RetryJob (ossbatch extension) created: the new job and the tasks it covers. */
export interface RetryJobResult {
  readonly jobId: string;
  readonly sourceJobId: string;
  /** Failed tasks of the source job (from its report). */
  readonly failedTasks: number;
  /** Tasks the source job never ran (it was cancelled or failed first). */
  readonly unrunTasks: number;
  /** The CSV manifest the new job runs over. */
  readonly manifest: { readonly bucket: string; readonly object: string; readonly etag: string };
}

/** One bucket of ListBuckets. */
export interface BucketSummary {
  readonly name: string;
  readonly creationDate: string;
  readonly storageClass?: string | undefined;
  readonly region?: string | undefined;
}
