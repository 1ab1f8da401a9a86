import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetBucketVersioningCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  ListPartsCommand,
  PutBucketVersioningCommand,
  PutObjectAclCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { ListUploadsInput } from '../../multipart-store.js';
import type { VersioningStatus } from '../../types.js';
import {
  mergeByKeyThenAge,
  type RemoteInitiate,
  type RemoteMultipartDriver,
  type RemoteUploadsPage,
  type RemoteVersioningDriver,
  type RemoteVersionsPage,
} from '../passthrough-driver.js';
import { normaliseEtag } from '../remote-meta.js';
import type { SpooledBody } from '../spool.js';
import { fromS3Error } from './s3-errors.js';
import { fromS3Class, toS3Acl } from './s3-mapping.js';
import { copySource, putParams } from './s3-params.js';

const ms = (d: Date | undefined): number => d?.getTime() ?? 0;
/** S3 part ETags are lower-case hex MD5s in quotes (the front keeps them upper-case, as OSS does). */
const s3Etag = (etag: string): string => `"${normaliseEtag(etag).toLowerCase()}"`;

/** Multipart uploads and versioning on an S3 store (@aws-sdk/client-s3); S3 has no GetBucketStat. */
export class S3Passthrough implements RemoteMultipartDriver, RemoteVersioningDriver {
  constructor(private readonly client: S3Client) {}

  private async send<T>(call: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      throw fromS3Error(call, e);
    }
  }

  async initiateUpload(input: RemoteInitiate): Promise<string> {
    const out = await this.send('CreateMultipartUpload', () =>
      this.client.send(new CreateMultipartUploadCommand(putParams(input))),
    );
    return out.UploadId ?? '';
  }

  async uploadPart(bucket: string, key: string, uploadId: string, partNumber: number, body: SpooledBody) {
    const out = await this.send('UploadPart', () =>
      this.client.send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          PartNumber: partNumber,
          Body: body.file === null ? body.buffer() : body.open(),
          ContentLength: body.size,
          ContentMD5: body.md5Base64,
        }),
      ),
    );
    return normaliseEtag(out.ETag ?? body.md5Hex);
  }

  async uploadPartCopy(input: Parameters<RemoteMultipartDriver['uploadPartCopy']>[0]) {
    const out = await this.send('UploadPartCopy', () =>
      this.client.send(
        new UploadPartCopyCommand({
          Bucket: input.bucket,
          Key: input.key,
          UploadId: input.uploadId,
          PartNumber: input.partNumber,
          CopySource: copySource(input.sourceBucket, input.sourceKey, input.sourceVersionId),
          ...(input.range === undefined
            ? {}
            : { CopySourceRange: `bytes=${input.range.start}-${input.range.end}` }),
        }),
      ),
    );
    return {
      etag: normaliseEtag(out.CopyPartResult?.ETag),
      lastModified: ms(out.CopyPartResult?.LastModified),
    };
  }

  /**
   * S3 Complete takes no ACL: an ACL given at Complete is a PutObjectAcl right after it (not atomic with the
   * Complete; docs/operations.md). `If-None-Match: *` asks for the create-only write where the store has it.
   */
  async completeUpload(input: Parameters<RemoteMultipartDriver['completeUpload']>[0]): Promise<void> {
    await this.send('CompleteMultipartUpload', () =>
      this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: input.bucket,
          Key: input.key,
          UploadId: input.uploadId,
          MultipartUpload: {
            Parts: input.parts.map((p) => ({ PartNumber: p.partNumber, ETag: s3Etag(p.etag) })),
          },
          ...(input.forbidOverwrite ? { IfNoneMatch: '*' } : {}),
        }),
      ),
    );
    const acl = input.acl;
    if (acl === undefined) return;
    await this.send('PutObjectAcl', () =>
      this.client.send(new PutObjectAclCommand({ Bucket: input.bucket, Key: input.key, ACL: toS3Acl(acl) })),
    );
  }

  async abortUpload(bucket: string, key: string, uploadId: string): Promise<void> {
    await this.send('AbortMultipartUpload', () =>
      this.client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })),
    );
  }

  async listParts(bucket: string, key: string, uploadId: string, after: number, maxParts: number) {
    const out = await this.send('ListParts', () =>
      this.client.send(
        new ListPartsCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          MaxParts: maxParts,
          ...(after > 0 ? { PartNumberMarker: String(after) } : {}),
        }),
      ),
    );
    return {
      parts: (out.Parts ?? []).map((p) => ({
        partNumber: p.PartNumber ?? 0,
        size: p.Size ?? 0,
        etag: normaliseEtag(p.ETag),
        lastModified: ms(p.LastModified),
      })),
      isTruncated: out.IsTruncated === true,
      storageClass: fromS3Class(out.StorageClass),
    };
  }

  async listUploads(input: ListUploadsInput): Promise<RemoteUploadsPage> {
    const out = await this.send('ListMultipartUploads', () =>
      this.client.send(
        new ListMultipartUploadsCommand({
          Bucket: input.bucket,
          MaxUploads: input.maxUploads,
          ...(input.prefix ? { Prefix: input.prefix } : {}),
          ...(input.delimiter ? { Delimiter: input.delimiter } : {}),
          ...(input.keyMarker ? { KeyMarker: input.keyMarker } : {}),
          ...(input.keyMarker && input.uploadIdMarker ? { UploadIdMarker: input.uploadIdMarker } : {}),
        }),
      ),
    );
    return {
      uploads: (out.Uploads ?? []).map((u) => ({
        key: u.Key ?? '',
        uploadId: u.UploadId ?? '',
        initiated: ms(u.Initiated),
        storageClass: fromS3Class(u.StorageClass),
      })),
      commonPrefixes: (out.CommonPrefixes ?? []).map((p) => p.Prefix ?? ''),
      isTruncated: out.IsTruncated === true,
      nextKeyMarker: out.NextKeyMarker || undefined,
      nextUploadIdMarker: out.NextUploadIdMarker || undefined,
    };
  }

  async getBucketVersioning(bucket: string): Promise<VersioningStatus | undefined> {
    const out = await this.send('GetBucketVersioning', () =>
      this.client.send(new GetBucketVersioningCommand({ Bucket: bucket })),
    );
    return out.Status === 'Enabled' || out.Status === 'Suspended' ? out.Status : undefined;
  }

  async putBucketVersioning(bucket: string, status: VersioningStatus): Promise<void> {
    await this.send('PutBucketVersioning', () =>
      this.client.send(
        new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: status } }),
      ),
    );
  }

  async listObjectVersions(q: Parameters<RemoteVersioningDriver['listObjectVersions']>[0]) {
    const out = await this.send('ListObjectVersions', () =>
      this.client.send(
        new ListObjectVersionsCommand({
          Bucket: q.bucket,
          MaxKeys: q.maxKeys,
          ...(q.prefix === undefined ? {} : { Prefix: q.prefix }),
          ...(q.delimiter === undefined ? {} : { Delimiter: q.delimiter }),
          ...(q.keyMarker === undefined ? {} : { KeyMarker: q.keyMarker }),
          ...(q.versionIdMarker === undefined ? {} : { VersionIdMarker: q.versionIdMarker }),
        }),
      ),
    );
    const page: RemoteVersionsPage = {
      entries: mergeByKeyThenAge([
        ...(out.Versions ?? []).map((v) => ({
          kind: 'version' as const,
          key: v.Key ?? '',
          versionId: v.VersionId ?? 'null',
          isLatest: v.IsLatest === true,
          size: v.Size ?? 0,
          etag: normaliseEtag(v.ETag),
          lastModified: ms(v.LastModified),
          storageClass: fromS3Class(v.StorageClass),
        })),
        ...(out.DeleteMarkers ?? []).map((m) => ({
          kind: 'delete-marker' as const,
          key: m.Key ?? '',
          versionId: m.VersionId ?? 'null',
          isLatest: m.IsLatest === true,
          lastModified: ms(m.LastModified),
        })),
      ]),
      commonPrefixes: (out.CommonPrefixes ?? []).map((p) => p.Prefix ?? ''),
      isTruncated: out.IsTruncated === true,
      nextKeyMarker: out.NextKeyMarker || undefined,
      nextVersionIdMarker: out.NextVersionIdMarker || undefined,
    };
    return page;
  }

  /** A HEAD 404 has no body: the delete marker shows only in the raw response's x-amz-* headers. */
  async headDeleteMarker(bucket: string, key: string, versionId: string | undefined) {
    try {
      await this.client.send(
        new HeadObjectCommand({
          Bucket: bucket,
          Key: key,
          ...(versionId === undefined ? {} : { VersionId: versionId }),
        }),
      );
      return undefined;
    } catch (e) {
      const res = (e as { $response?: { statusCode?: number; headers?: Record<string, string> } }).$response;
      const h = res?.headers ?? {};
      // 404 for the current version, 405 for a delete marker named by its version id.
      const missed = res?.statusCode === 404 || res?.statusCode === 405;
      if (missed && h['x-amz-delete-marker'] === 'true') {
        return {
          versionId: h['x-amz-version-id'] ?? 'null',
          lastModified: Date.parse(h['last-modified'] ?? '') || 0,
        };
      }
      if (missed) return undefined;
      throw fromS3Error('HeadObject', e);
    }
  }

  async deleteVersion(bucket: string, key: string, versionId: string | undefined) {
    const out = await this.send('DeleteObject', () =>
      this.client.send(
        new DeleteObjectCommand({
          Bucket: bucket,
          Key: key,
          ...(versionId === undefined ? {} : { VersionId: versionId }),
        }),
      ),
    );
    return { versionId: out.VersionId, deleteMarker: out.DeleteMarker === true };
  }

  /** S3 has no GetBucketStat (RemoteStore answers OperationNotSupported: docs/operations.md says why). */
  getBucketStat(): Promise<undefined> {
    return Promise.resolve(undefined);
  }
}
