import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChunkRepo } from '../../engine/chunk-repo.js';
import type { JobsApiPort } from '../../http/context.js';
import { objectResource } from '../../iam/resources.js';
import type { Iam, Principal, RequestContext } from '../../iam/types.js';
import type { JobRepo } from '../../jobs/job-repo.js';
import type { JobRecord } from '../../jobs/model.js';
import { isTerminal } from '../../jobs/status-table.js';
import type { Clock } from '../../protocol/clock.js';
import { accessDenied, OssError } from '../../protocol/oss-error.js';
import { parseXmlBody, text } from '../../protocol/xml.js';
import type { ObjectStore } from '../../store/object-store.js';
import { retryCreateJobXml } from './retry-request.js';
import { appendFailedRows, appendUnrunRows } from './retry-manifest.js';
import { failedResultsKey, retryManifestLocation } from './retry-locations.js';

export interface JobRetryDeps {
  readonly repo: Pick<JobRepo, 'getJobById'>;
  readonly chunks: Pick<ChunkRepo, 'listUnfinishedChunks'>;
  readonly jobs: Pick<JobsApiPort, 'describeJob' | 'createJob'>;
  readonly store: ObjectStore;
  readonly iam: Iam;
  readonly clock: Clock;
  readonly region: string;
}

export interface RetryCaller {
  readonly principal: Principal;
  readonly context: RequestContext;
}

export interface RetryOutcome {
  readonly jobId: string;
  readonly sourceJobId: string;
  readonly failedTasks: number;
  readonly unrunTasks: number;
  readonly manifest: { readonly bucket: string; readonly key: string; readonly etag: string };
}

const refuse = (message: string): OssError => new OssError('InvalidRequest', message);

/**
 * `RetryJob` (ossbatch extension; docs/api.md): a new job with the same operation, role, priority and report
 * settings over exactly the tasks of `jobId` that did not succeed — its failed tasks, read from its report
 * (both report scopes list every failed task), and the tasks it never ran, read from the manifest past each
 * chunk's committed cursor. Both counts are checked against the job's counters; a mismatch refuses rather
 * than retrying a wrong set. Every step runs as the caller: DescribeJob, GetObject on the report, PutObject
 * of the retry manifest, CreateJob. The ClientRequestToken `retry-<JobId>` makes a repeated call return
 * the same new job.
 */
export async function retryJob(
  deps: JobRetryDeps,
  caller: RetryCaller,
  jobId: string,
): Promise<RetryOutcome> {
  await deps.jobs.describeJob({
    ...caller,
    query: new Map([
      ['batchJob', ''],
      ['batchJobId', jobId],
    ]),
    body: Buffer.alloc(0),
  });
  const job = await deps.repo.getJobById(jobId);
  if (job === undefined) throw new OssError('NoSuchJob', `The specified job ${jobId} does not exist.`);
  checkRetryable(job);
  const withVersion = job.spec.manifest?.fields?.includes('VersionId') === true;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-retry-'));
  try {
    const file = path.join(dir, 'manifest.csv');
    const counts = await writeRetryRows(deps, caller, job, file, withVersion);
    const manifest = await putManifest(deps, caller, job, file);
    const reply = await deps.jobs.createJob({
      ...caller,
      query: new Map([['batchJob', '']]),
      body: Buffer.from(retryCreateJobXml(job, manifest, withVersion)),
    });
    const newId = text(parseXmlBody(reply, 'CreateJobResult'), 'JobId') ?? '';
    return { jobId: newId, sourceJobId: jobId, ...counts, manifest };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function checkRetryable(job: JobRecord): void {
  if (!isTerminal(job.status)) {
    throw refuse(
      `Job ${job.jobId} is ${job.status}; only a Complete, Cancelled or Failed job can be retried.`,
    );
  }
  if (job.totalTasks < 0) {
    throw refuse(`Job ${job.jobId} ended before its manifest was read; create the job again instead.`);
  }
  if (job.succeededTasks >= job.totalTasks) {
    throw refuse(`Job ${job.jobId} has no task that did not succeed; there is nothing to retry.`);
  }
  if (job.failedTasks > 0 && !job.spec.report.enabled) {
    throw refuse(
      `Job ${job.jobId} has ${job.failedTasks} failed tasks but was created with its report disabled, so which tasks failed is not known.`,
    );
  }
}

async function writeRetryRows(
  deps: JobRetryDeps,
  caller: RetryCaller,
  job: JobRecord,
  file: string,
  withVersion: boolean,
): Promise<{ failedTasks: number; unrunTasks: number }> {
  const fd = fs.openSync(file, 'w');
  try {
    let failedTasks = 0;
    if (job.failedTasks > 0) {
      const csv = await readFailedCsv(deps, caller, job);
      failedTasks = await appendFailedRows(fd, csv, withVersion);
    }
    const unrunTasks = await appendUnrunRows(
      fd,
      deps,
      job,
      await deps.chunks.listUnfinishedChunks(job.jobId),
      withVersion,
    );
    const expectedUnrun = job.totalTasks - job.succeededTasks - job.failedTasks;
    if (failedTasks !== job.failedTasks || unrunTasks !== expectedUnrun) {
      throw refuse(
        `Job ${job.jobId}: its report lists ${failedTasks} failed tasks and its manifest ${unrunTasks} tasks that never ran, ` +
          `but its counters say ${job.failedTasks} and ${expectedUnrun}; the retry was not created.`,
      );
    }
    return { failedTasks, unrunTasks };
  } finally {
    fs.closeSync(fd);
  }
}

/** The failed-tasks CSV of the job's report, read as the caller (oss:GetObject on it). */
async function readFailedCsv(
  deps: JobRetryDeps,
  caller: RetryCaller,
  job: JobRecord,
): Promise<AsyncIterable<Buffer>> {
  const { bucket: bucketName } = job.spec.report;
  const bucket = bucketName === undefined ? undefined : await deps.store.getBucket(bucketName);
  const key = failedResultsKey(job);
  const meta = bucket === undefined ? undefined : await deps.store.headObject(bucket.name, key);
  if (bucket === undefined || meta === undefined) {
    throw refuse(
      `Job ${job.jobId} has ${job.failedTasks} failed tasks but its report (oss://${bucketName ?? '?'}/${key}) is missing.`,
    );
  }
  const decision = await deps.iam.authorize({
    principal: caller.principal,
    action: 'oss:GetObject',
    resource: objectResource(deps.region, bucket.owner, bucket.name, key),
    bucket,
    objectAcl: meta.acl,
    resourceOwner: bucket.owner,
    context: caller.context,
  });
  if (decision !== 'allow')
    throw accessDenied(`You are not allowed to read the report oss://${bucket.name}/${key}.`);
  return deps.store.readObject(meta) as AsyncIterable<Buffer>;
}

/** Stores the retry manifest as the caller (oss:PutObject) and returns where it is. */
async function putManifest(
  deps: JobRetryDeps,
  caller: RetryCaller,
  job: JobRecord,
  file: string,
): Promise<RetryOutcome['manifest']> {
  const { bucket: bucketName, key } = retryManifestLocation(job);
  const bucket = await deps.store.getBucket(bucketName);
  if (bucket === undefined) throw new OssError('NoSuchBucket', `The bucket ${bucketName} does not exist.`);
  const decision = await deps.iam.authorize({
    principal: caller.principal,
    action: 'oss:PutObject',
    resource: objectResource(deps.region, bucket.owner, bucket.name, key),
    bucket,
    resourceOwner: bucket.owner,
    context: caller.context,
  });
  if (decision !== 'allow') {
    throw accessDenied(`You are not allowed to write the retry manifest oss://${bucket.name}/${key}.`);
  }
  const meta = await deps.store.putObject({
    bucket: bucket.name,
    key,
    body: fs.createReadStream(file),
    contentType: 'text/csv',
  });
  return { bucket: bucket.name, key, etag: meta.etag };
}
