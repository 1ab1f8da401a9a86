import { pipeline } from 'node:stream';
import { parse } from 'csv-parse';
import type { Job } from '../client/types.js';
import { failedResultsKeyOf } from '../extensions/job-retry/retry-locations.js';
import type { HttpDeps } from '../http/context.js';
import { objectResource } from '../iam/resources.js';
import { accessDenied, invalidArgument, noSuchBucket } from '../protocol/oss-error.js';
import type { SignedIn } from './auth.js';
import { reportWritten } from './page-job.js';

/** How many failed keys the failures view lists (the CSV download has them all). */
export const FIRST_FAILED = 50;

export interface FailedTask {
  readonly bucket: string;
  readonly key: string;
  readonly code: string;
  readonly httpStatus: string;
  readonly message: string;
}

export interface FailureSummary {
  /** Report key of the failed-tasks CSV (for the download link). */
  readonly csvKey: string;
  readonly total: number;
  /** Error code → count, most frequent first. */
  readonly byCode: readonly (readonly [string, number])[];
  readonly first: readonly FailedTask[];
}

const decode = (k: string): string => {
  try {
    return decodeURIComponent(k);
  } catch {
    return k;
  }
};

/**
 * Where the failed-tasks CSV of `job`'s report is, once it may exist; an OssError (InvalidArgument)
 * saying why there is none otherwise. Both report scopes write it whenever a task failed.
 */
export function failedCsvKey(job: Job): string {
  if (job.report?.enabled !== true || job.report.bucket === undefined)
    throw invalidArgument(
      `Job ${job.jobId} writes no report (report disabled), so its failures cannot be listed.`,
    );
  if (!reportWritten(job))
    throw invalidArgument(`Job ${job.jobId} has no report yet: it is written when the job ends.`);
  if (job.progress.failedTasks <= 0) throw invalidArgument(`Job ${job.jobId} has no failed task.`);
  return failedResultsKeyOf(job.jobId, job.report.prefix);
}

/**
 * Counts the failed tasks of `job` by error code and keeps the first FIRST_FAILED, streaming the report's
 * failed-tasks CSV as the signed-in principal (oss:GetObject on it, the wire's evaluator).
 */
export async function summariseFailures(deps: HttpDeps, who: SignedIn, job: Job): Promise<FailureSummary> {
  const csvKey = failedCsvKey(job);
  const bucketName = job.report?.bucket ?? '';
  const bucket = await deps.store.getBucket(bucketName);
  if (bucket === undefined) throw noSuchBucket(bucketName);
  const meta = await deps.store.headObject(bucketName, csvKey);
  const decision = await deps.iam.authorize({
    principal: who.principal,
    action: 'oss:GetObject',
    resource: objectResource(deps.region, bucket.owner, bucket.name, csvKey),
    bucket,
    objectAcl: meta?.acl,
    resourceOwner: bucket.owner,
    context: who.context,
  });
  if (decision !== 'allow') throw accessDenied(`You are not allowed to read oss://${bucketName}/${csvKey}.`);
  if (meta === undefined)
    throw invalidArgument(`The report has no failed-tasks file (oss://${bucketName}/${csvKey}).`);
  const counts = new Map<string, number>();
  const first: FailedTask[] = [];
  let total = 0;
  const parser = parse({ relax_column_count: true, skip_empty_lines: true });
  pipeline(deps.store.readObject(meta), parser, () => undefined);
  for await (const rec of parser as AsyncIterable<string[]>) {
    total++;
    const code = rec[4] ?? '';
    counts.set(code, (counts.get(code) ?? 0) + 1);
    if (first.length < FIRST_FAILED) {
      first.push({
        bucket: rec[0] ?? '',
        key: decode(rec[1] ?? ''),
        code,
        httpStatus: rec[5] ?? '',
        message: rec[6] ?? '',
      });
    }
  }
  const byCode = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return { csvKey, total, byCode, first };
}
