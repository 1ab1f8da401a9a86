import { Readable } from 'node:stream';
import type pino from 'pino';
import type { Iam, Principal } from '../iam/types.js';
import { isOssError } from '../protocol/oss-error.js';
import { isStorageExhausted } from '../store/storage-full.js';
import type { JobRecord } from '../jobs/model.js';
import { reportManifestKeyOf, reportResultsKeyOf } from '../jobs/report-keys.js';
import { isTerminal } from '../jobs/status-table.js';
import type { Clock } from '../protocol/clock.js';
import type { ObjectStore } from '../store/object-store.js';
import type { BucketInfo } from '../store/types.js';
import { lineStatus, REPORT_SCHEMA } from './report-rows.js';
import type { ChunkShard } from './chunk-repo.js';
import type { ShardStore } from './shard-store.js';

/** The report cannot be written (bucket missing, role not allowed, store error): the job fails with it. */
export class ReportError extends Error {
  constructor(
    readonly failureCode: string,
    reason: string,
  ) {
    super(reason);
    this.name = 'ReportError';
  }
}

type Role = Extract<Principal, { kind: 'role' }>;

/** The documented FailureReason of ReportWriteFailed (docs/api.md); the cause goes to the server log. */
export const REPORT_WRITE_FAILED =
  'The completion report could not be written to the report bucket because of an internal error; see the server log.';

export interface ReportDeps {
  readonly store: ObjectStore;
  readonly iam: Iam;
  readonly clock: Clock;
  readonly region: string;
  readonly shards: ShardStore;
  /** Where internal causes of report failures go (they never reach the FailureReason). */
  readonly logger?: pino.Logger | undefined;
}

interface ResultEntry {
  TaskExecutionStatus: 'succeeded' | 'failed';
  Bucket: string;
  MD5Checksum: string;
  Key: string;
}

/**
 * Writes the job's report (spec §14 layout) from the local chunk shards:
 * `<Prefix>job-<JobId>/results/<hex>.csv` per task status, then `<Prefix>job-<JobId>/manifest.json`.
 * Shards are streamed in chunk order (never all in memory). Object names are derived from the job id and
 * status, so a report rewritten after a crash overwrites the same objects instead of leaving orphans.
 */
export async function writeReport(
  deps: ReportDeps,
  job: JobRecord,
  role: Role,
  shards: readonly ChunkShard[],
): Promise<void> {
  const report = job.spec.report;
  if (!report.enabled || report.bucket === undefined) return;
  const bucket = await deps.store.getBucket(report.bucket);
  if (!bucket)
    throw new ReportError('ReportBucketNotFound', `The report bucket ${report.bucket} does not exist.`);
  const put = async (key: string, body: Readable, contentType: string): Promise<string> => {
    await authorizeReportKey(deps, role, bucket, key);
    try {
      const meta = await deps.store.putObject({ bucket: bucket.name, key, body, contentType });
      return meta.etag.toLowerCase();
    } catch (e) {
      // A full disk is not the report's fault: the engine waits for space and writes it again.
      if (isStorageExhausted(e)) throw e;
      // An OSS error (the bucket went away meanwhile, …) is documented and safe to show; anything else is not.
      if (isOssError(e))
        throw new ReportError(
          'ReportWriteFailed',
          `Writing the report object ${bucket.name}/${key} failed: ${e.code}.`,
        );
      deps.logger?.error({ err: e, jobId: job.jobId, key }, 'writing a report object failed');
      throw new ReportError('ReportWriteFailed', REPORT_WRITE_FAILED);
    }
  };
  const statuses: ('succeeded' | 'failed')[] = [];
  if (report.scope === 'AllTasks' && job.succeededTasks > 0) statuses.push('succeeded');
  if (job.failedTasks > 0) statuses.push('failed');
  const results: ResultEntry[] = [];
  for (const status of statuses) {
    const key = reportResultsKeyOf(job.spec.report.prefix, job.jobId, status);
    const md5 = await put(key, Readable.from(shardLines(deps.shards, job.jobId, shards, status)), 'text/csv');
    results.push({ TaskExecutionStatus: status, Bucket: bucket.name, MD5Checksum: md5, Key: key });
  }
  const manifest = {
    Format: 'Report_CSV_20180820',
    ReportCreationDate: new Date(deps.clock.now()).toISOString(),
    Results: results,
    ReportSchema: REPORT_SCHEMA,
  };
  await put(
    reportManifestKeyOf(job.spec.report.prefix, job.jobId),
    Readable.from([Buffer.from(JSON.stringify(manifest))]),
    'application/json',
  );
}

/** The role must be allowed oss:PutObject on each report object (spec §8.1); ReportError otherwise. */
async function authorizeReportKey(
  deps: Pick<ReportDeps, 'iam' | 'clock' | 'region'>,
  role: Role,
  bucket: BucketInfo,
  key: string,
): Promise<void> {
  const decision = await deps.iam.authorize({
    principal: role,
    action: 'oss:PutObject',
    resource: `acs:oss:${deps.region}:${bucket.owner}:${bucket.name}/${key}`,
    bucket,
    context: { secureTransport: true, currentTime: deps.clock.now() },
  });
  if (decision !== 'allow') {
    throw new ReportError(
      'AccessDenied',
      `The job role ${role.arn} is not allowed to oss:PutObject the report to ${bucket.name}/${key}.`,
    );
  }
}

/**
 * Checked before the manifest is planned (issue 12: a role that cannot write the report bucket ran every
 * task and only then failed): the report bucket exists and the role may write the report's manifest.json
 * there. Nothing is written. Throws ReportError (ReportBucketNotFound, AccessDenied) to fail the job early.
 */
export async function checkReportAccess(
  deps: Pick<ReportDeps, 'store' | 'iam' | 'clock' | 'region'>,
  job: JobRecord,
): Promise<void> {
  const report = job.spec.report;
  if (!report.enabled || report.bucket === undefined) return;
  const found = await deps.iam.findRoleByArn(job.spec.roleArn);
  if (!found) throw new ReportError('RoleNotFound', `The job role ${job.spec.roleArn} no longer exists.`);
  const role = deps.iam.roleAsPrincipal(found);
  const bucket = await deps.store.getBucket(report.bucket);
  if (!bucket)
    throw new ReportError('ReportBucketNotFound', `The report bucket ${report.bucket} does not exist.`);
  await authorizeReportKey(deps, role, bucket, reportManifestKeyOf(job.spec.report.prefix, job.jobId));
}

/**
 * The lines with TaskStatus `status` from every shard, in chunk order, streamed 64 KiB at a time. Only the
 * committed prefix of each shard is read: after a crash a shard can end with rows appended but never
 * committed (their tasks are not in the counters, and a resumed attempt would truncate them); when the
 * job settles before the chunk runs again (cancel, failure) those rows must not reach the report.
 */
async function* shardLines(
  store: ShardStore,
  jobId: string,
  shards: readonly ChunkShard[],
  status: string,
): AsyncGenerator<Buffer> {
  for (const { chunkIndex, shardBytes, shardAttempt } of shards) {
    if (shardBytes <= 0) continue;
    let rest = '';
    const decoder = new TextDecoder('utf-8');
    for await (const piece of store.readCommitted({ jobId, chunkIndex, attempt: shardAttempt }, shardBytes)) {
      const text = rest + decoder.decode(piece, { stream: true });
      const end = text.lastIndexOf('\n');
      rest = text.slice(end + 1);
      const out = pick(text.slice(0, end + 1), status);
      if (out.length > 0) yield Buffer.from(out, 'utf8');
    }
  }
}

function pick(block: string, status: string): string {
  let out = '';
  let start = 0;
  while (start < block.length) {
    const nl = block.indexOf('\n', start);
    const line = block.slice(start, nl + 1);
    if (lineStatus(line) === status) out += line;
    start = nl + 1;
  }
  return out;
}

/**
 * Start-up cleanup: shards of jobs that are terminal or gone (a crash between the terminal transition
 * and the shard deletion leaves them behind).
 */
export async function removeOrphanShards(
  shards: ShardStore,
  lookup: (jobId: string) => Promise<JobRecord | undefined>,
): Promise<void> {
  for (const jobId of await shards.listJobs()) {
    const job = await lookup(jobId);
    if (!job || isTerminal(job.status)) await shards.deleteJob(jobId);
  }
}
