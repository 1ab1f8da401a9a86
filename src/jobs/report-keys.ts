import { createHash } from 'node:crypto';
import { newJobId } from '../protocol/ids.js';
import { MAX_KEY_BYTES } from '../protocol/request-target.js';

/**
 * The one description of where a job's report objects go (spec §8.3, §14): `<Prefix>job-<JobId>/` holding
 * `manifest.json` and `results/<md5(JobId/status)>.csv`. The report writer, the retry extension, the
 * console and the CLI name them through here, and CreateJob bounds Report/Prefix by the longest of them.
 */

export type ReportResultStatus = 'succeeded' | 'failed';

/** `<Prefix>job-<JobId>/`: the job's report directory. */
export const reportDirKey = (prefix: string | undefined, jobId: string): string =>
  `${prefix ?? ''}job-${jobId}/`;

export const reportManifestKeyOf = (prefix: string | undefined, jobId: string): string =>
  `${reportDirKey(prefix, jobId)}manifest.json`;

/** Named after md5(`<JobId>/<status>`), so the key is known without reading manifest.json. */
export const reportResultsKeyOf = (
  prefix: string | undefined,
  jobId: string,
  status: ReportResultStatus,
): string =>
  `${reportDirKey(prefix, jobId)}results/${createHash('md5').update(`${jobId}/${status}`).digest('hex')}.csv`;

/**
 * Bytes the longest report key adds to the prefix: a results key, `job-` + 44-character job id + `/results/`
 * + 32 hex + `.csv` = 93 (job ids are always 44 ASCII characters, protocol/ids.ts).
 */
export const REPORT_KEY_OVERHEAD_BYTES = Buffer.byteLength(reportResultsKeyOf('', newJobId(), 'succeeded'));

/**
 * The longest Report/Prefix, in UTF-8 bytes, whose report keys all stay within OSS's 1023-byte object key
 * limit: 1023 - 93 = 930. (Issue 12: 512 three-byte characters passed a character count and the job then
 * failed with ReportWriteFailed after running every task.)
 */
export const MAX_REPORT_PREFIX_BYTES = MAX_KEY_BYTES - REPORT_KEY_OVERHEAD_BYTES;
