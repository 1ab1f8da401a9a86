import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { createJobXml } from './create-job-xml.js';
import { parseJob, parseJobList, parseStatus } from './job-parse.js';
import {
  createJobRequest,
  describeJobRequest,
  listJobsRequest,
  updateJobPriorityRequest,
  retryJobRequest,
  updateJobStatusRequest,
} from './job-requests.js';
import { headObjectOf, listObjectsRequest, parseListObjects } from './object-parse.js';
import { transportConfig, type OssBatchClientOptions } from './options.js';
import { Transport, type OssRequest, type OssResponse } from './transport.js';
import type {
  BucketSummary,
  CreateJobInput,
  Job,
  ListJobsOptions,
  ListJobsResult,
  ListObjectsOptions,
  ListObjectsResult,
  ObjectHead,
  ObjectSummary,
  PutObjectOptions,
  PutObjectResult,
  RetryJobResult,
  UpdateJobPriorityResult,
  UpdateJobStatusResult,
} from './types.js';
import { list, obj, parseXml, rootOf, str, type XmlObject } from './xml-response.js';

/** A body for putObject: bytes, or a stream factory (called again on each retry) with its length. */
export type PutBody = Buffer | string | { readonly stream: () => Readable; readonly length: number };

/**
 * Typed client for the OSS Batch Operations APIs and the object calls the CLI needs. V4 signing by default,
 * keep-alive sockets, retries with jittered backoff; every failure is an OssError (./errors.ts).
 */
export class OssBatchClient {
  private readonly transport: Transport;

  constructor(options: OssBatchClientOptions) {
    this.transport = new Transport(transportConfig(options));
  }

  /** The resolved region and signature version (diagnostics). */
  get region(): string {
    return this.transport.config.region;
  }

  /** Sends one signed request and returns the raw reply (2xx only; anything else throws OssError). */
  request(req: OssRequest): Promise<OssResponse> {
    return this.transport.send(req);
  }

  private async xml(req: OssRequest, rootName: string): Promise<XmlObject> {
    const res = await this.transport.send(req);
    return rootOf(parseXml(res.body.toString('utf8')), rootName);
  }

  /** CreateJob from a typed input, or from a ready XML body (`<CreateJobRequest>…`). */
  async createJob(input: CreateJobInput | string): Promise<{ jobId: string }> {
    const xml = withClientRequestToken(typeof input === 'string' ? input : createJobXml(input));
    const root = await this.xml(createJobRequest(xml), 'CreateJobResult');
    return { jobId: str(root, 'JobId') ?? '' };
  }

  async describeJob(jobId: string): Promise<Job> {
    return parseJob(await this.xml(describeJobRequest(jobId), 'DescribeJobResult'));
  }

  async listJobs(opts: ListJobsOptions = {}): Promise<ListJobsResult> {
    return parseJobList(await this.xml(listJobsRequest(opts), 'ListJobsResult'));
  }

  async updateJobPriority(jobId: string, priority: number): Promise<UpdateJobPriorityResult> {
    const root = await this.xml(updateJobPriorityRequest(jobId, priority), 'UpdateJobPriorityResult');
    return { jobId: str(root, 'JobId') ?? jobId, priority: Number(str(root, 'Priority') ?? priority) };
  }

  async updateJobStatus(
    jobId: string,
    status: 'Ready' | 'Cancelled',
    reason?: string,
  ): Promise<UpdateJobStatusResult> {
    const root = await this.xml(updateJobStatusRequest(jobId, status, reason), 'UpdateJobStatusResult');
    return {
      jobId: str(root, 'JobId') ?? jobId,
      status: parseStatus(str(root, 'Status')),
      statusUpdateReason: str(root, 'StatusUpdateReason') || undefined,
    };
  }

  /**
   * RetryJob (ossbatch extension, docs/api.md): a new job over exactly the tasks of `jobId` that did not
   * succeed. Repeating the call returns the same new job.
   */
  async retryJob(jobId: string): Promise<RetryJobResult> {
    const root = await this.xml(retryJobRequest(jobId), 'RetryJobResult');
    const m = obj(root, 'Manifest');
    return {
      jobId: str(root, 'JobId') ?? '',
      sourceJobId: str(root, 'SourceJobId') ?? jobId,
      failedTasks: Number(str(root, 'FailedTasks') ?? 0),
      unrunTasks: Number(str(root, 'UnrunTasks') ?? 0),
      manifest: {
        bucket: str(m, 'Bucket') ?? '',
        object: str(m, 'Object') ?? '',
        etag: str(m, 'ETag') ?? '',
      },
    };
  }

  async putBucket(
    bucket: string,
    opts: { acl?: 'private' | 'public-read' | 'public-read-write' } = {},
  ): Promise<void> {
    await this.transport.send({ method: 'PUT', bucket, headers: opts.acl ? { 'x-oss-acl': opts.acl } : {} });
  }

  /** One ListObjectsV2 page; keys come back URL-encoded on the wire (`encoding-type=url`) and are decoded. */
  async listObjects(bucket: string, opts: ListObjectsOptions = {}): Promise<ListObjectsResult> {
    return parseListObjects(await this.xml(listObjectsRequest(bucket, opts), 'ListBucketResult'));
  }

  /** Every object under the options' prefix, page by page (never the whole listing in memory). */
  async *listAllObjects(
    bucket: string,
    opts: Omit<ListObjectsOptions, 'continuationToken'> = {},
  ): AsyncGenerator<ObjectSummary> {
    let token: string | undefined;
    do {
      const page = await this.listObjects(bucket, { ...opts, continuationToken: token });
      yield* page.objects;
      token = page.isTruncated ? page.nextContinuationToken : undefined;
    } while (token !== undefined);
  }

  async putObject(
    bucket: string,
    key: string,
    body: PutBody,
    opts: PutObjectOptions = {},
  ): Promise<PutObjectResult> {
    const headers: Record<string, string> = {
      'content-type': opts.contentType ?? 'application/octet-stream',
    };
    for (const [k, v] of Object.entries(opts.meta ?? {})) headers[`x-oss-meta-${k.toLowerCase()}`] = v;
    let req: OssRequest;
    if (typeof body === 'string' || Buffer.isBuffer(body)) {
      const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
      // Content-MD5 makes the server reject a body damaged in transit (InvalidDigest).
      headers['content-md5'] = createHash('md5').update(bytes).digest('base64');
      req = { method: 'PUT', bucket, key, headers, body: bytes };
    } else {
      req = { method: 'PUT', bucket, key, headers, body: body.stream, contentLength: body.length };
    }
    const res = await this.transport.send(req);
    return { etag: String(res.headers.etag ?? '').replace(/"/g, ''), requestId: res.requestId };
  }

  async getObject(bucket: string, key: string): Promise<Buffer> {
    return (await this.transport.send({ method: 'GET', bucket, key })).body;
  }

  async getObjectStream(bucket: string, key: string): Promise<Readable> {
    return (await this.transport.sendStream({ method: 'GET', bucket, key })).stream;
  }

  async headObject(bucket: string, key: string): Promise<ObjectHead> {
    return headObjectOf((await this.transport.send({ method: 'HEAD', bucket, key })).headers);
  }

  /** ListBuckets: every bucket of the caller's account (one page: the server lists them all). */
  async listBuckets(): Promise<BucketSummary[]> {
    const root = await this.xml({ method: 'GET' }, 'ListAllMyBucketsResult');
    return list(obj(root, 'Buckets'), 'Bucket').map((b) => ({
      name: str(b, 'Name') ?? '',
      creationDate: str(b, 'CreationDate') ?? '',
      storageClass: str(b, 'StorageClass'),
      region: str(b, 'Region'),
    }));
  }

  /** DeleteObject (204 whether or not the key existed, as OSS does). */
  async deleteObject(bucket: string, key: string): Promise<void> {
    await this.transport.send({ method: 'DELETE', bucket, key });
  }

  /** CopyObject within the server (x-oss-copy-source): no bytes pass through the client. */
  async copyObject(
    source: { bucket: string; key: string },
    bucket: string,
    key: string,
  ): Promise<{ etag: string }> {
    const copySource = `/${source.bucket}/${encodeURIComponent(source.key)}`;
    const root = await this.xml(
      { method: 'PUT', bucket, key, headers: { 'x-oss-copy-source': copySource } },
      'CopyObjectResult',
    );
    return { etag: (str(root, 'ETag') ?? '').replace(/"/g, '') };
  }

  /** Closes the keep-alive sockets. */
  close(): void {
    this.transport.config.agent.destroy();
  }
}

/**
 * The transport retries POSTs after timeouts and 5xx; a CreateJob the server committed before the failure
 * would then create a second job. A ClientRequestToken makes the retry return the same JobId, so one is
 * added (a random UUID) when the request carries none.
 */
export function withClientRequestToken(xml: string): string {
  if (xml.includes('<ClientRequestToken>')) return xml;
  const close = xml.lastIndexOf('</CreateJobRequest>');
  if (close < 0) return xml;
  return `${xml.slice(0, close)}<ClientRequestToken>${randomUUID()}</ClientRequestToken>${xml.slice(close)}`;
}
