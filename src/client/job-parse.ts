import type {
  Job,
  JobFailure,
  JobOperation,
  JobStatus,
  JobSummary,
  ManifestFormat,
  ManifestSource,
  ObjectAcl,
  PrefixSource,
  ProgressSummary,
  ReportConfig,
  ReportScope,
} from './types.js';
import { JOB_STATUSES } from './types.js';
import { list, num, obj, str, type XmlObject } from './xml-response.js';

export function parseStatus(s: string | undefined): JobStatus {
  const found = JOB_STATUSES.find((x) => x === s);
  if (found === undefined) throw new Error(`the server sent an unknown job status "${s ?? ''}"`);
  return found;
}

function progress(node: XmlObject | undefined): ProgressSummary {
  const timers = obj(node, 'Timers');
  return {
    totalTasks: num(node, 'TotalNumberOfTasks', -1),
    succeededTasks: num(node, 'NumberOfTasksSucceeded', -1),
    failedTasks: num(node, 'NumberOfTasksFailed', -1),
    elapsedActiveSeconds: num(
      timers,
      'ElapsedTimeInActiveSeconds',
      num(node, 'ElapsedTimeInActiveSeconds', 0),
    ),
  };
}

function operation(node: XmlObject | undefined): JobOperation | undefined {
  if (node === undefined) return undefined;
  for (const type of ['PutObjectTagging', 'AddObjectTagging'] as const) {
    const op = obj(node, type);
    if (op !== undefined) {
      const tags = list(obj(op, 'TagSet'), 'Tag').map((t) => ({
        key: str(t, 'Key') ?? '',
        value: str(t, 'Value') ?? '',
      }));
      return { type, tags };
    }
  }
  if (node['DeleteObjectTagging'] !== undefined) return { type: 'DeleteObjectTagging' };
  const acl = obj(node, 'PutObjectAcl');
  if (acl !== undefined)
    return { type: 'PutObjectAcl', acl: (str(acl, 'ObjectAcl') ?? 'default') as ObjectAcl };
  const restore = obj(node, 'RestoreObject');
  if (restore !== undefined)
    return { type: 'RestoreObject', days: num(restore, 'Days', 0), tier: str(restore, 'Tier') };
  return undefined;
}

function source(job: XmlObject): ManifestSource | PrefixSource | undefined {
  const manifest = obj(job, 'Manifest');
  if (manifest !== undefined) {
    const loc = obj(manifest, 'Location');
    const spec = obj(manifest, 'Spec');
    return {
      kind: 'manifest',
      bucket: str(loc, 'Bucket') ?? '',
      object: str(loc, 'Object') ?? '',
      etag: str(loc, 'ETag') || undefined,
      versionId: str(loc, 'VersionId') || undefined,
      format: (str(spec, 'Format') ?? 'OSS_BatchOperations_CSV_20250611') as ManifestFormat,
      fields: str(spec, 'Fields') || undefined,
    };
  }
  const gen = obj(job, 'KeyPrefixManifestGenerator');
  if (gen === undefined) return undefined;
  return {
    kind: 'prefix',
    sourceBucket: str(gen, 'SourceBucket') ?? '',
    prefix: str(gen, 'Prefix') || undefined,
  };
}

function report(node: XmlObject | undefined): ReportConfig | undefined {
  if (node === undefined) return undefined;
  return {
    enabled: str(node, 'Enabled') === 'true',
    bucket: str(node, 'Bucket') || undefined,
    prefix: str(node, 'Prefix') || undefined,
    scope: (str(node, 'ReportScope') || undefined) as ReportScope | undefined,
  };
}

function failures(job: XmlObject): JobFailure[] {
  return list(obj(job, 'FailureReasons'), 'JobFailure')
    .map((f) => ({ code: str(f, 'FailureCode') ?? '', reason: str(f, 'FailureReason') ?? '' }))
    .filter((f) => f.code !== '' || f.reason !== '');
}

/** TerminationDate is absent or 0 while the job runs (spec §3). */
const termination = (node: XmlObject): number | undefined => {
  const t = num(node, 'TerminationDate', 0);
  return t > 0 ? t : undefined;
};

/** `<DescribeJobResult><Job>` → Job. */
export function parseJob(root: XmlObject): Job {
  const job = obj(root, 'Job') ?? {};
  return {
    jobId: str(job, 'JobId') ?? '',
    status: parseStatus(str(job, 'Status')),
    priority: num(job, 'Priority', 0),
    description: str(job, 'Description') || undefined,
    roleArn: str(job, 'RoleArn') || undefined,
    confirmationRequired: str(job, 'ConfirmationRequired') === 'true',
    creationTime: num(job, 'CreationTime', 0),
    terminationDate: termination(job),
    statusUpdateReason: str(job, 'StatusUpdateReason') || undefined,
    operation: operation(obj(job, 'Operation')),
    source: source(job),
    report: report(obj(job, 'Report')),
    progress: progress(obj(job, 'ProgressSummary')),
    failures: failures(job),
  };
}

/** `<ListJobsResult>` → summaries + NextToken. */
export function parseJobList(root: XmlObject): { jobs: JobSummary[]; nextToken?: string | undefined } {
  const jobs = list(obj(root, 'Jobs'), 'JobListDescriptor').map((d) => ({
    jobId: str(d, 'JobId') ?? '',
    status: parseStatus(str(d, 'Status')),
    operation: str(d, 'Operation') ?? '',
    priority: num(d, 'Priority', 0),
    description: str(d, 'Description') || undefined,
    creationTime: num(d, 'CreationTime', 0),
    terminationDate: termination(d),
    progress: progress(obj(d, 'ProgressSummary')),
  }));
  const next = str(root, 'NextToken');
  return { jobs, nextToken: next === undefined || next === '' ? undefined : next };
}
