import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectTaggingCommand,
  GetObjectAclCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  RestoreObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { ObjectAcl, RestoreTier, StorageClass, Tag } from '../../types.js';
import type { RemoteCopy, RemoteDriver, RemoteHead, RemoteListPage, RemotePut } from '../remote-driver.js';
import { normaliseEtag } from '../remote-meta.js';
import type { RemoteEndpoint } from '../store-url.js';
import { fromS3Error } from './s3-errors.js';
import { copyParams, putParams } from './s3-params.js';
import { fromS3Class, fromS3Grants, headersFromHead, toS3Acl } from './s3-mapping.js';
import { S3Passthrough } from './s3-passthrough.js';

const ver = (v: string | undefined): { VersionId?: string } => (v === undefined ? {} : { VersionId: v });

/** An S3-compatible store through @aws-sdk/client-s3 (path-style unless the host is AWS). */
export class S3Driver implements RemoteDriver {
  readonly kind = 's3';
  // S3 `If-None-Match: *` is atomic on AWS, but many compatible stores ignore it: keep the HEAD guard too.
  readonly atomicForbidOverwrite = false;
  private readonly client: S3Client;
  readonly passthrough: S3Passthrough;

  constructor(private readonly ep: RemoteEndpoint) {
    // The SDK warns on stderr that versions after January 2027 need Node 22. This one is pinned exactly and
    // runs on Node 20 (ARCHITECTURE.md §5); the notice would break the server's one-line start-up errors.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const agent = { keepAlive: true, maxSockets: ep.maxSockets };
    this.client = new S3Client({
      endpoint: ep.url,
      region: ep.region ?? 'us-east-1',
      credentials: { accessKeyId: ep.accessKeyId, secretAccessKey: ep.accessKeySecret },
      forcePathStyle: !/\.amazonaws\.com(\.cn)?$/.test(ep.host),
      // Retries are RemoteStore's (one policy, one limiter): the SDK must not retry underneath it.
      maxAttempts: 1,
      // The SDK's default CRC32 trailers (aws-chunked bodies) are refused by many S3-compatible stores.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: { httpAgent: new http.Agent(agent), httpsAgent: new https.Agent(agent) },
    });
    this.passthrough = new S3Passthrough(this.client);
  }

  private async send<T>(call: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      throw fromS3Error(call, e);
    }
  }

  async listBuckets(): Promise<{ name: string; createdAt: number }[]> {
    const out = await this.send('ListBuckets', () => this.client.send(new ListBucketsCommand({})));
    return (out.Buckets ?? []).map((b) => ({
      name: b.Name ?? '',
      createdAt: b.CreationDate?.getTime() ?? 0,
    }));
  }

  async bucketExists(bucket: string): Promise<boolean> {
    try {
      await this.send('HeadBucket', () => this.client.send(new HeadBucketCommand({ Bucket: bucket })));
      return true;
    } catch (e) {
      if ((e as { code?: string }).code === 'NoSuchKey' || (e as { code?: string }).code === 'NoSuchBucket')
        return false;
      throw e;
    }
  }

  async createBucket(bucket: string): Promise<void> {
    const region = this.ep.region;
    const where =
      region === undefined || region === 'us-east-1'
        ? {}
        : { CreateBucketConfiguration: { LocationConstraint: region as 'EU' } };
    await this.send('CreateBucket', () =>
      this.client.send(new CreateBucketCommand({ Bucket: bucket, ...where })),
    );
  }

  async deleteBucket(bucket: string): Promise<void> {
    await this.send('DeleteBucket', () => this.client.send(new DeleteBucketCommand({ Bucket: bucket })));
  }

  async headObject(bucket: string, key: string, versionId?: string): Promise<RemoteHead | undefined> {
    try {
      const h = await this.send('HeadObject', () =>
        this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ...ver(versionId) })),
      );
      return {
        size: h.ContentLength ?? 0,
        etag: normaliseEtag(h.ETag),
        contentType: h.ContentType ?? 'application/octet-stream',
        lastModified: h.LastModified?.getTime() ?? 0,
        storageClass: fromS3Class(h.StorageClass),
        versionId: h.VersionId ?? 'null',
        userMeta: h.Metadata ?? {},
        httpHeaders: headersFromHead(h),
        restoreHeader: h.Restore,
      };
    } catch (e) {
      if ((e as { code?: string }).code === 'NoSuchKey') return undefined;
      throw e;
    }
  }

  async getTags(bucket: string, key: string, versionId?: string): Promise<Tag[]> {
    const out = await this.send('GetObjectTagging', () =>
      this.client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key, ...ver(versionId) })),
    );
    return (out.TagSet ?? []).map((t) => ({ key: t.Key ?? '', value: t.Value ?? '' }));
  }

  async getAcl(bucket: string, key: string, versionId?: string): Promise<ObjectAcl> {
    const out = await this.send('GetObjectAcl', () =>
      this.client.send(new GetObjectAclCommand({ Bucket: bucket, Key: key, ...ver(versionId) })),
    );
    return fromS3Grants(out.Grants);
  }

  async getObject(
    bucket: string,
    key: string,
    range: { start: number; end: number } | undefined,
    versionId: string | undefined,
  ): Promise<Readable> {
    const out = await this.send('GetObject', () =>
      this.client.send(
        new GetObjectCommand({
          Bucket: bucket,
          Key: key,
          ...ver(versionId),
          ...(range === undefined ? {} : { Range: `bytes=${range.start}-${range.end}` }),
        }),
      ),
    );
    return out.Body as Readable;
  }

  async putObject(input: RemotePut): Promise<void> {
    const body = input.body;
    await this.send('PutObject', () =>
      this.client.send(
        new PutObjectCommand({
          ...putParams(input),
          Body: body.file === null ? body.buffer() : body.open(),
          ContentLength: body.size,
          ContentMD5: body.md5Base64,
          ...(input.forbidOverwrite === true ? { IfNoneMatch: '*' } : {}),
        }),
      ),
    );
  }

  async putLarge(input: RemotePut, partSize: number): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: { ...putParams(input), Body: input.body.open() },
      partSize,
      // 4 parts in flight per upload: reports are the large writes, and they are few at a time.
      queueSize: 4,
      leavePartsOnError: false,
    });
    await this.send('MultipartUpload', () => upload.done());
  }

  async copyObject(input: RemoteCopy): Promise<void> {
    await this.send('CopyObject', () => this.client.send(new CopyObjectCommand(copyParams(input))));
  }

  async listObjects(q: {
    bucket: string;
    prefix: string | undefined;
    delimiter: string | undefined;
    after: string | undefined;
    maxKeys: number;
  }): Promise<RemoteListPage> {
    const out = await this.send('ListObjects', () =>
      this.client.send(
        new ListObjectsCommand({
          Bucket: q.bucket,
          MaxKeys: q.maxKeys,
          ...(q.prefix === undefined ? {} : { Prefix: q.prefix }),
          ...(q.delimiter === undefined ? {} : { Delimiter: q.delimiter }),
          ...(q.after === undefined ? {} : { Marker: q.after }),
        }),
      ),
    );
    return {
      objects: (out.Contents ?? []).map((o) => ({
        key: o.Key ?? '',
        size: o.Size ?? 0,
        etag: normaliseEtag(o.ETag),
        lastModified: o.LastModified?.getTime() ?? 0,
        storageClass: fromS3Class(o.StorageClass),
      })),
      commonPrefixes: (out.CommonPrefixes ?? []).map((p) => p.Prefix ?? ''),
      isTruncated: out.IsTruncated === true,
    };
  }

  async putTags(bucket: string, key: string, tags: readonly Tag[], versionId?: string): Promise<void> {
    const TagSet = tags.map((t) => ({ Key: t.key, Value: t.value }));
    await this.send('PutObjectTagging', () =>
      this.client.send(
        new PutObjectTaggingCommand({ Bucket: bucket, Key: key, Tagging: { TagSet }, ...ver(versionId) }),
      ),
    );
  }

  async deleteTags(bucket: string, key: string, versionId?: string): Promise<void> {
    await this.send('DeleteObjectTagging', () =>
      this.client.send(new DeleteObjectTaggingCommand({ Bucket: bucket, Key: key, ...ver(versionId) })),
    );
  }

  async putAcl(bucket: string, key: string, acl: ObjectAcl, versionId?: string): Promise<void> {
    await this.send('PutObjectAcl', () =>
      this.client.send(
        new PutObjectAclCommand({ Bucket: bucket, Key: key, ACL: toS3Acl(acl), ...ver(versionId) }),
      ),
    );
  }

  /** S3 RestoreObject: Days + GlacierJobParameters.Tier; 202 = started, 200 = already restored (extended). */
  async restore(
    bucket: string,
    key: string,
    days: number,
    tier: RestoreTier | undefined,
    _storageClass: StorageClass,
    versionId?: string,
  ): Promise<'accepted' | 'extended'> {
    const out = await this.send('RestoreObject', () =>
      this.client.send(
        new RestoreObjectCommand({
          Bucket: bucket,
          Key: key,
          ...ver(versionId),
          RestoreRequest: {
            Days: days,
            ...(tier === undefined ? {} : { GlacierJobParameters: { Tier: tier } }),
          },
        }),
      ),
    );
    return out.$metadata.httpStatusCode === 200 ? 'extended' : 'accepted';
  }

  close(): Promise<void> {
    this.client.destroy();
    return Promise.resolve();
  }
}
