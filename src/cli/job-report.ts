import { pipeline, type Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { OssBatchClient } from '../client/client.js';
import { isOssError } from '../client/errors.js';
import { TERMINAL_STATUSES, type Job } from '../client/types.js';
import { reportManifestKeyOf } from '../jobs/report-keys.js';
import { CliExit } from './output.js';

/** One report row (spec §14): `bucket,urlencoded-key,versionId,succeeded|failed,ErrorCode,HTTPStatus,Message`. */
export interface ReportRow {
  readonly bucket: string;
  /** As in the report: URL-encoded. */
  readonly encodedKey: string;
  readonly versionId: string;
  readonly status: string;
  readonly errorCode: string;
  readonly httpStatus: string;
  readonly message: string;
}

export interface ReportSummary {
  readonly jobId: string;
  readonly status: string;
  readonly reportLocation: string;
  readonly counts: Record<string, number>;
  readonly errorCodes: Record<string, number>;
  readonly firstFailed: {
    bucket: string;
    key: string;
    versionId?: string;
    errorCode: string;
    httpStatus: string;
    message: string;
  }[];
}

interface ManifestResult {
  readonly TaskExecutionStatus: string;
  readonly Bucket: string;
  readonly Key: string;
}

/** Where the report of `job` lives: `<Prefix>job-<JobId>/manifest.json` in the report bucket (spec §14). */
export function reportManifestKey(job: Job): { bucket: string; key: string } {
  const r = job.report;
  if (r === undefined || !r.enabled || r.bucket === undefined) {
    throw new CliExit(
      `job ${job.jobId} wrote no report: report disabled (it was created with Report.Enabled=false)`,
      1,
    );
  }
  return { bucket: r.bucket, key: reportManifestKeyOf(r.prefix, job.jobId) };
}

/** Why a job with its report enabled has none at `location` (spec §7.3: no report when no task ran). */
function noReportReason(job: Job, location: string): string {
  if (!TERMINAL_STATUSES.includes(job.status)) {
    return `no report at ${location} yet: the job is ${job.status}; the report is written when it ends`;
  }
  const { succeededTasks, failedTasks } = job.progress;
  if (Math.max(0, succeededTasks) + Math.max(0, failedTasks) === 0) {
    return `job ${job.jobId} wrote no report: no task ran (it ended ${job.status} with 0 tasks run)`;
  }
  const why = job.failures[0] ? ` (${job.failures[0].code}: ${job.failures[0].reason})` : '';
  return `no report at ${location}${why}`;
}

export interface ReportManifest {
  readonly location: string;
  readonly results: readonly ManifestResult[];
}

export async function readManifest(client: OssBatchClient, job: Job): Promise<ReportManifest> {
  const { bucket, key } = reportManifestKey(job);
  const location = `oss://${bucket}/${key}`;
  let body: Buffer;
  try {
    body = await client.getObject(bucket, key);
  } catch (err) {
    if (isOssError(err) && err.code === 'NoSuchKey') throw new CliExit(noReportReason(job, location), 1);
    throw err;
  }
  let doc: { Results?: unknown };
  try {
    doc = JSON.parse(body.toString('utf8')) as { Results?: unknown };
  } catch {
    throw new CliExit(`${location} is not valid JSON`, 1);
  }
  const results = Array.isArray(doc.Results) ? (doc.Results as ManifestResult[]) : [];
  return { location, results };
}

/** Streams every row of the report's result CSVs (failed files only with failedOnly), never all in memory. */
export async function* reportRows(
  client: OssBatchClient,
  manifest: ReportManifest,
  failedOnly: boolean,
): AsyncGenerator<ReportRow> {
  for (const r of manifest.results) {
    if (failedOnly && r.TaskExecutionStatus !== 'failed') continue;
    const stream: Readable = await client.getObjectStream(r.Bucket, r.Key);
    const parser = parse({ relax_column_count: true, skip_empty_lines: true });
    // pipeline (not pipe): a connection reset mid-download destroys the parser with the error, so the loop
    // below throws it instead of an unlistened 'error' crashing the CLI or the loop hanging.
    pipeline(stream, parser, () => undefined);
    for await (const rec of parser as AsyncIterable<string[]>) {
      const row: ReportRow = {
        bucket: rec[0] ?? '',
        encodedKey: rec[1] ?? '',
        versionId: rec[2] ?? '',
        status: rec[3] ?? '',
        errorCode: rec[4] ?? '',
        httpStatus: rec[5] ?? '',
        message: rec[6] ?? '',
      };
      if (failedOnly && row.status !== 'failed') continue;
      yield row;
    }
  }
}

const decodeKey = (k: string): string => {
  try {
    return decodeURIComponent(k);
  } catch {
    return k;
  }
};

export async function summariseReport(
  client: OssBatchClient,
  job: Job,
  failedOnly: boolean,
  maxFailed: number,
): Promise<ReportSummary> {
  const manifest = await readManifest(client, job);
  const counts: Record<string, number> = {};
  const errorCodes: Record<string, number> = {};
  const firstFailed: ReportSummary['firstFailed'] = [];
  for await (const row of reportRows(client, manifest, failedOnly)) {
    counts[row.status] = (counts[row.status] ?? 0) + 1;
    if (row.status !== 'failed') continue;
    errorCodes[row.errorCode] = (errorCodes[row.errorCode] ?? 0) + 1;
    if (firstFailed.length < maxFailed) {
      firstFailed.push({
        bucket: row.bucket,
        key: decodeKey(row.encodedKey),
        ...(row.versionId ? { versionId: row.versionId } : {}),
        errorCode: row.errorCode,
        httpStatus: row.httpStatus,
        message: row.message,
      });
    }
  }
  return {
    jobId: job.jobId,
    status: job.status,
    reportLocation: manifest.location,
    counts,
    errorCodes,
    firstFailed,
  };
}

export function summaryText(s: ReportSummary): string {
  const lines = [`job ${s.jobId} ${s.status}, report ${s.reportLocation}`];
  const counts = Object.entries(s.counts);
  lines.push(
    `tasks: ${counts.length === 0 ? 'none reported' : counts.map(([k, v]) => `${v} ${k}`).join(', ')}`,
  );
  const codes = Object.entries(s.errorCodes).sort((a, b) => b[1] - a[1]);
  if (codes.length > 0) lines.push(`errors: ${codes.map(([k, v]) => `${k || '(none)'} ${v}`).join(', ')}`);
  if (s.firstFailed.length > 0) {
    lines.push(`first failed keys:`);
    for (const f of s.firstFailed) {
      lines.push(
        `  oss://${f.bucket}/${f.key}${f.versionId ? ` (version ${f.versionId})` : ''}  ${f.errorCode} ${f.httpStatus} ${f.message}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

const NEEDS_QUOTES = /[",\r\n]/;
const csvField = (v: string): string => (NEEDS_QUOTES.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** A report row in the report's own CSV form (key stays URL-encoded, like the report and a CSV manifest). */
export const rowCsv = (r: ReportRow): string =>
  `${[r.bucket, r.encodedKey, r.versionId, r.status, r.errorCode, r.httpStatus, r.message].map(csvField).join(',')}\n`;
