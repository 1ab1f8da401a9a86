import type { ObjectAcl, RestoreTier, Tag } from '../store/types.js';

/** The 13 job statuses of spec §7.2. */
export const JOB_STATUSES = [
  'New',
  'Preparing',
  'Ready',
  'Suspended',
  'Active',
  'Pausing',
  'Paused',
  'Completing',
  'Complete',
  'Cancelling',
  'Cancelled',
  'Failing',
  'Failed',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const TERMINAL_STATUSES: ReadonlySet<JobStatus> = new Set(['Complete', 'Cancelled', 'Failed']);

export const OPERATION_NAMES = [
  'PutObjectTagging',
  'AddObjectTagging',
  'DeleteObjectTagging',
  'PutObjectAcl',
  'RestoreObject',
] as const;
export type OperationName = (typeof OPERATION_NAMES)[number];

export type JobOperation =
  | { readonly kind: 'PutObjectTagging'; readonly tags: readonly Tag[] }
  | { readonly kind: 'AddObjectTagging'; readonly tags: readonly Tag[] }
  | { readonly kind: 'DeleteObjectTagging' }
  | { readonly kind: 'PutObjectAcl'; readonly acl: ObjectAcl }
  | { readonly kind: 'RestoreObject'; readonly days: number; readonly tier: RestoreTier | undefined };

export const MANIFEST_FORMATS = [
  'OSS_BatchOperations_CSV_20250611',
  'OSS_InventoryReport_CSV_20250611',
] as const;
export type ManifestFormat = (typeof MANIFEST_FORMATS)[number];

export interface ManifestSpec {
  readonly bucket: string;
  readonly object: string;
  readonly versionId?: string | undefined;
  readonly etag?: string | undefined;
  readonly format: ManifestFormat;
  /** As submitted, e.g. `Bucket,Key,VersionId` (CSV only). */
  readonly fields?: string | undefined;
}

export interface KeyPrefixSpec {
  readonly sourceBucket: string;
  readonly prefix: string;
}

export type ReportScope = 'AllTasks' | 'FailedTasksOnly';
export interface ReportSpec {
  readonly enabled: boolean;
  readonly bucket?: string | undefined;
  readonly prefix?: string | undefined;
  readonly scope: ReportScope;
}

/** Everything CreateJob accepted, normalised. */
export interface JobSpec {
  readonly confirmationRequired: boolean;
  readonly operation: JobOperation;
  readonly report: ReportSpec;
  readonly clientRequestToken?: string | undefined;
  readonly manifest?: ManifestSpec | undefined;
  readonly keyPrefix?: KeyPrefixSpec | undefined;
  readonly description: string;
  readonly priority: number;
  readonly roleArn: string;
}

export interface JobFailure {
  readonly code: string;
  readonly reason: string;
}

/** One job as stored. Times are ms since epoch (the wire shows Unix seconds). */
export interface JobRecord {
  readonly jobId: string;
  readonly accountId: string;
  readonly spec: JobSpec;
  readonly status: JobStatus;
  readonly priority: number;
  readonly statusUpdateReason: string;
  readonly createdAt: number;
  readonly terminatedAt: number | null;
  /** UpdateJobStatus Ready arrived during Preparing: skip Suspended. */
  readonly preConfirmed: boolean;
  /** When the job entered Suspended (for the 14-day timeout). */
  readonly suspendedAt: number | null;
  /** -1 until the manifest has been read. */
  readonly totalTasks: number;
  readonly succeededTasks: number;
  readonly failedTasks: number;
  /** Accumulated ms spent Active, not counting the current stint. */
  readonly activeMs: number;
  /** Start of the current Active stint, when Active. */
  readonly activeSince: number | null;
  readonly failure: JobFailure | null;
  /** Bumped on every row change; lets pollers skip unchanged jobs. */
  readonly version: number;
}
