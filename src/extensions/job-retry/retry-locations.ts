import type { JobRecord } from '../../jobs/model.js';
import { reportDirKey, reportResultsKeyOf } from '../../jobs/report-keys.js';

/** `<Prefix>job-<JobId>/`: the job's report directory (spec §14). */
export const reportDir = (job: JobRecord): string => reportDirKey(job.spec.report.prefix, job.jobId);

/**
 * The report's failed-tasks CSV: report-writer.ts names each results object after md5(`<JobId>/<status>`),
 * so the key is known without reading manifest.json.
 */
export const failedResultsKey = (job: JobRecord): string =>
  failedResultsKeyOf(job.jobId, job.spec.report.prefix);

/** The same key from a job id and report prefix (the console has the wire's Job, not the JobRecord). */
export const failedResultsKeyOf = (jobId: string, prefix: string | undefined): string =>
  reportResultsKeyOf(prefix, jobId, 'failed');

/**
 * Where the retry manifest is written: next to the job's report when it has one (the caller could read
 * the report, and the directory is the job's own); otherwise in the bucket the job read its manifest
 * from (or listed), under `ossbatch-retry/`. The same key for every retry of a job, so a repeated retry
 * overwrites it with the same bytes and the CreateJob token dedupes the job.
 */
export function retryManifestLocation(job: JobRecord): { bucket: string; key: string } {
  const { report, manifest, keyPrefix } = job.spec;
  if (report.enabled && report.bucket !== undefined) {
    return { bucket: report.bucket, key: `${reportDir(job)}retry-manifest.csv` };
  }
  const bucket = manifest?.bucket ?? keyPrefix?.sourceBucket ?? '';
  return { bucket, key: `ossbatch-retry/job-${job.jobId}/manifest.csv` };
}
