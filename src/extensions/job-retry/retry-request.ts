import { createJobXml } from '../../client/create-job-xml.js';
import type { JobOperation as WireOperation } from '../../client/types.js';
import type { JobOperation, JobRecord } from '../../jobs/model.js';

function wireOperation(op: JobOperation): WireOperation {
  switch (op.kind) {
    case 'PutObjectTagging':
    case 'AddObjectTagging':
      return { type: op.kind, tags: op.tags };
    case 'DeleteObjectTagging':
      return { type: 'DeleteObjectTagging' };
    case 'PutObjectAcl':
      return { type: 'PutObjectAcl', acl: op.acl };
    case 'RestoreObject':
      return { type: 'RestoreObject', days: op.days, tier: op.tier };
  }
}

/**
 * The retry's CreateJob body: the source job's operation, role, priority and report settings over the
 * retry manifest; no confirmation (asking for the retry is the confirmation). Its token `retry-<JobId>`
 * (50 characters: job ids are 44) makes a repeated retry return the first one's JobId.
 */
export function retryCreateJobXml(
  job: JobRecord,
  manifest: { bucket: string; key: string; etag: string },
  withVersion: boolean,
): string {
  const { report } = job.spec;
  return createJobXml({
    operation: wireOperation(job.spec.operation),
    source: {
      kind: 'manifest',
      bucket: manifest.bucket,
      object: manifest.key,
      etag: manifest.etag,
      format: 'OSS_BatchOperations_CSV_20250611',
      fields: withVersion ? 'Bucket,Key,VersionId' : 'Bucket,Key',
    },
    roleArn: job.spec.roleArn,
    report: report.enabled
      ? { enabled: true, bucket: report.bucket, prefix: report.prefix, scope: report.scope }
      : { enabled: false },
    priority: job.priority,
    description: `Retry of the tasks of job ${job.jobId} that did not succeed`,
    confirmationRequired: false,
    clientRequestToken: `retry-${job.jobId}`,
  });
}
