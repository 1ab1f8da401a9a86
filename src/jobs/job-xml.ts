import { toXml, type XmlOutNode } from '../protocol/xml.js';
import type { JobOperation, JobRecord, JobSpec } from './model.js';

/**
 * Response bodies of the five job APIs (spec §2.3, §3, §4, §5, §6). Element order follows the spec
 * examples (SDK serialisers keep struct order; parsers do not care). Times on the wire are Unix seconds (§1).
 */

export const unixSeconds = (ms: number): number => Math.floor(ms / 1000);

/**
 * Cumulative Active time including the current stint, from `now` (spec §7.3 "cumulative seconds").
 * Whole seconds rounded down, except that any Active time at all counts as at least 1: a job that ran
 * for 300 ms must not look as if it never was Active (0 means "never Active").
 */
export function elapsedActiveSeconds(job: JobRecord, now: number): number {
  const current = job.activeSince !== null ? Math.max(0, now - job.activeSince) : 0;
  const ms = job.activeMs + current;
  return ms > 0 ? Math.max(1, Math.floor(ms / 1000)) : 0;
}

export const createJobResultXml = (jobId: string): string => toXml('CreateJobResult', { JobId: jobId });

export function describeJobResultXml(job: JobRecord, now: number): string {
  return toXml('DescribeJobResult', { Job: jobXml(job, now) });
}

function jobXml(job: JobRecord, now: number): XmlOutNode {
  const { spec } = job;
  return {
    ConfirmationRequired: spec.confirmationRequired,
    CreationTime: unixSeconds(job.createdAt),
    // Always present; empty when the job has not failed (spec §3, gap 14: at most one JobFailure).
    FailureReasons: job.failure
      ? { JobFailure: { FailureCode: job.failure.code, FailureReason: job.failure.reason } }
      : {},
    JobId: job.jobId,
    Operation: operationXml(spec.operation),
    Report: reportXml(spec),
    ...sourceXml(spec),
    Description: spec.description,
    Priority: job.priority,
    RoleArn: spec.roleArn,
    StatusUpdateReason: job.statusUpdateReason,
    ProgressSummary: progressXml(job, now),
    Status: job.status,
    TerminationDate: terminationDate(job),
  };
}

export function operationXml(op: JobOperation): XmlOutNode {
  switch (op.kind) {
    case 'PutObjectTagging':
    case 'AddObjectTagging':
      return { [op.kind]: { TagSet: { Tag: op.tags.map((t) => ({ Key: t.key, Value: t.value })) } } };
    case 'DeleteObjectTagging':
      return { DeleteObjectTagging: {} };
    case 'PutObjectAcl':
      return { PutObjectAcl: { ObjectAcl: op.acl } };
    case 'RestoreObject':
      return { RestoreObject: { Days: op.days, Tier: op.tier } };
  }
}

function reportXml(spec: JobSpec): XmlOutNode {
  const r = spec.report;
  return { Bucket: r.bucket, Enabled: r.enabled, Prefix: r.prefix, ReportScope: r.scope };
}

function sourceXml(spec: JobSpec): XmlOutNode {
  if (spec.manifest) {
    const m = spec.manifest;
    return {
      Manifest: {
        Location: { ETag: m.etag, Bucket: m.bucket, Object: m.object, VersionId: m.versionId },
        Spec: { Fields: m.fields, Format: m.format },
      },
    };
  }
  if (spec.keyPrefix) {
    return {
      KeyPrefixManifestGenerator: {
        SourceBucket: spec.keyPrefix.sourceBucket,
        Prefix: spec.keyPrefix.prefix,
      },
    };
  }
  return {};
}

/** -1 counts until the manifest has been read (spec §7.5, live samples). */
function progressXml(job: JobRecord, now: number): XmlOutNode {
  return {
    NumberOfTasksFailed: job.failedTasks,
    NumberOfTasksSucceeded: job.succeededTasks,
    Timers: { ElapsedTimeInActiveSeconds: elapsedActiveSeconds(job, now) },
    TotalNumberOfTasks: job.totalTasks,
  };
}

/** Only once terminal (spec gap 15). */
const terminationDate = (job: JobRecord): number | undefined =>
  job.terminatedAt !== null ? unixSeconds(job.terminatedAt) : undefined;

export function listJobsResultXml(
  jobs: readonly JobRecord[],
  nextToken: string | undefined,
  now: number,
): string {
  return toXml('ListJobsResult', {
    NextToken: nextToken,
    Jobs: {
      JobListDescriptor: jobs.map((job) => ({
        CreationTime: unixSeconds(job.createdAt),
        Description: job.spec.description,
        JobId: job.jobId,
        Operation: job.spec.operation.kind,
        Priority: job.priority,
        ProgressSummary: progressXml(job, now),
        Status: job.status,
        TerminationDate: terminationDate(job),
      })),
    },
  });
}

export const updateJobPriorityResultXml = (job: JobRecord): string =>
  toXml('UpdateJobPriorityResult', { JobId: job.jobId, Priority: job.priority });

export const updateJobStatusResultXml = (job: JobRecord): string =>
  toXml('UpdateJobStatusResult', {
    JobId: job.jobId,
    Status: job.status,
    StatusUpdateReason: job.statusUpdateReason,
  });
