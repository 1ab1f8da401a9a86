import type { Job, JobOperation, JobSummary, ProgressSummary } from '../client/types.js';
import { elapsedActiveSeconds, unixSeconds } from '../jobs/job-xml.js';
import type { JobRecord, JobSpec } from '../jobs/model.js';

/**
 * The console shows jobs in the client's types (src/client/types.ts), which its pages were written
 * against. Built here straight from the service's JobRecord, exactly as the client would parse the wire's
 * DescribeJob / ListJobs reply (src/client/job-parse.ts): times in Unix seconds, empty strings absent.
 */
const orUndefined = (s: string | undefined): string | undefined =>
  s === undefined || s === '' ? undefined : s;

function operation(op: JobSpec['operation']): JobOperation {
  switch (op.kind) {
    case 'PutObjectTagging':
    case 'AddObjectTagging':
      return { type: op.kind, tags: op.tags.map((t) => ({ key: t.key, value: t.value })) };
    case 'DeleteObjectTagging':
      return { type: 'DeleteObjectTagging' };
    case 'PutObjectAcl':
      return { type: 'PutObjectAcl', acl: op.acl };
    case 'RestoreObject':
      return { type: 'RestoreObject', days: op.days, tier: op.tier };
  }
}

function source(spec: JobSpec): Job['source'] {
  if (spec.manifest) {
    const m = spec.manifest;
    return {
      kind: 'manifest',
      bucket: m.bucket,
      object: m.object,
      etag: orUndefined(m.etag),
      versionId: orUndefined(m.versionId),
      format: m.format,
      fields: orUndefined(m.fields),
    };
  }
  if (spec.keyPrefix)
    return {
      kind: 'prefix',
      sourceBucket: spec.keyPrefix.sourceBucket,
      prefix: orUndefined(spec.keyPrefix.prefix),
    };
  return undefined;
}

const progress = (job: JobRecord, now: number): ProgressSummary => ({
  totalTasks: job.totalTasks,
  succeededTasks: job.succeededTasks,
  failedTasks: job.failedTasks,
  elapsedActiveSeconds: elapsedActiveSeconds(job, now),
});

/** TerminationDate only once terminal (spec gap 15). */
const termination = (job: JobRecord): number | undefined =>
  job.terminatedAt !== null && job.terminatedAt > 0 ? unixSeconds(job.terminatedAt) : undefined;

export function jobView(job: JobRecord, now: number): Job {
  const { spec } = job;
  const failure = job.failure;
  return {
    jobId: job.jobId,
    status: job.status,
    priority: job.priority,
    description: orUndefined(spec.description),
    roleArn: orUndefined(spec.roleArn),
    confirmationRequired: spec.confirmationRequired,
    creationTime: unixSeconds(job.createdAt),
    terminationDate: termination(job),
    statusUpdateReason: orUndefined(job.statusUpdateReason),
    operation: operation(spec.operation),
    source: source(spec),
    report: {
      enabled: spec.report.enabled,
      bucket: orUndefined(spec.report.bucket),
      prefix: orUndefined(spec.report.prefix),
      scope: spec.report.scope,
    },
    progress: progress(job, now),
    failures: failure && (failure.code !== '' || failure.reason !== '') ? [{ ...failure }] : [],
  };
}

export function jobSummaryView(job: JobRecord, now: number): JobSummary {
  return {
    jobId: job.jobId,
    status: job.status,
    operation: job.spec.operation.kind,
    priority: job.priority,
    description: orUndefined(job.spec.description),
    creationTime: unixSeconds(job.createdAt),
    terminationDate: termination(job),
    progress: progress(job, now),
  };
}
