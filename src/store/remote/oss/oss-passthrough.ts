import { toXml } from '../../../protocol/xml.js';
import type { ListUploadsInput } from '../../multipart-store.js';
import {
  STORAGE_CLASSES,
  VERSIONING_STATUSES,
  type StorageClass,
  type VersioningStatus,
} from '../../types.js';
import {
  mergeByKeyThenAge,
  type RemoteBucketStat,
  type RemoteDeleteMarker,
  type RemoteInitiate,
  type RemoteMultipartDriver,
  type RemotePartsPage,
  type RemoteUploadsPage,
  type RemoteVersioningDriver,
  type RemoteVersionsPage,
} from '../passthrough-driver.js';
import { normaliseEtag } from '../remote-meta.js';
import type { SpooledBody } from '../spool.js';
import type { AliOssRaw } from './ali-oss-client.js';
import { fromOssError } from './oss-errors.js';
import { ossPutHeaders } from './oss-headers.js';
import { list, ossRaw, str, type OssRawRequest, type OssRawResponse } from './oss-raw.js';
import { refuseDotSegments } from './oss-tagging.js';

const toClass = (c: string): StorageClass => STORAGE_CLASSES.find((k) => k === c) ?? 'Standard';
const time = (s: string): number => Date.parse(s) || 0;
const num = (s: string): number => Number(s) || 0;
const opt = (s: string): string | undefined => (s === '' ? undefined : s);
const userMetaHeaders = (meta: Record<string, string> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(meta ?? {}).map(([k, v]) => [`x-oss-meta-${k}`, v]));

/**
 * Multipart uploads, versioning and GetBucketStat on an OSS store, as raw OSS requests signed by ali-oss
 * (its own methods sort and de-duplicate Complete's part list, and drop CommonPrefixes and the marker
 * headers of a HEAD 404, which the front must pass on exactly).
 */
export class OssPassthrough implements RemoteMultipartDriver, RemoteVersioningDriver {
  constructor(private readonly client: (bucket: string) => AliOssRaw) {}

  private async send(call: string, bucket: string, r: OssRawRequest): Promise<OssRawResponse> {
    if (r.key !== '') refuseDotSegments(r.key);
    try {
      return await ossRaw(this.client(bucket), r);
    } catch (e) {
      throw fromOssError(call, e);
    }
  }

  async initiateUpload(input: RemoteInitiate): Promise<string> {
    const headers = { ...ossPutHeaders(input), ...userMetaHeaders(input.userMeta) };
    headers['Content-Type'] = input.contentType;
    const out = await this.send('InitiateMultipartUpload', input.bucket, {
      method: 'POST',
      key: input.key,
      subres: { uploads: '' },
      headers,
      ok: [200],
    });
    return str(out.xml, 'UploadId');
  }

  async uploadPart(bucket: string, key: string, uploadId: string, partNumber: number, body: SpooledBody) {
    const out = await this.send('UploadPart', bucket, {
      method: 'PUT',
      key,
      subres: { partNumber: String(partNumber), uploadId },
      headers: { 'Content-Length': String(body.size), 'Content-MD5': body.md5Base64 },
      stream: body.open(),
      ok: [200],
    });
    return normaliseEtag(out.headers.etag ?? body.md5Hex);
  }

  async uploadPartCopy(input: Parameters<RemoteMultipartDriver['uploadPartCopy']>[0]) {
    const source = `/${input.sourceBucket}/${encodeURIComponent(input.sourceKey)}`;
    const headers: Record<string, string> = {
      'x-oss-copy-source':
        input.sourceVersionId === undefined ? source : `${source}?versionId=${input.sourceVersionId}`,
    };
    if (input.range !== undefined)
      headers['x-oss-copy-source-range'] = `bytes=${input.range.start}-${input.range.end}`;
    const out = await this.send('UploadPartCopy', input.bucket, {
      method: 'PUT',
      key: input.key,
      subres: { partNumber: String(input.partNumber), uploadId: input.uploadId },
      headers,
      ok: [200],
    });
    return { etag: normaliseEtag(str(out.xml, 'ETag')), lastModified: time(str(out.xml, 'LastModified')) };
  }

  async completeUpload(input: Parameters<RemoteMultipartDriver['completeUpload']>[0]): Promise<void> {
    const headers: Record<string, string> = {};
    if (input.forbidOverwrite) headers['x-oss-forbid-overwrite'] = 'true';
    if (input.acl !== undefined) headers['x-oss-object-acl'] = input.acl;
    await this.send('CompleteMultipartUpload', input.bucket, {
      method: 'POST',
      key: input.key,
      subres: { uploadId: input.uploadId },
      headers,
      mime: 'xml',
      content: toXml('CompleteMultipartUpload', {
        // OSS part ETags are upper-case hex in quotes, as ListParts shows them.
        Part: input.parts.map((p) => ({ PartNumber: p.partNumber, ETag: `"${normaliseEtag(p.etag)}"` })),
      }),
      ok: [200],
    });
  }

  async abortUpload(bucket: string, key: string, uploadId: string): Promise<void> {
    await this.send('AbortMultipartUpload', bucket, {
      method: 'DELETE',
      key,
      subres: { uploadId },
      ok: [204],
    });
  }

  async listParts(bucket: string, key: string, uploadId: string, after: number, maxParts: number) {
    const out = await this.send('ListParts', bucket, {
      method: 'GET',
      key,
      subres: { uploadId },
      query: { 'part-number-marker': after, 'max-parts': maxParts },
      ok: [200],
    });
    const page: RemotePartsPage = {
      parts: list(out.xml, 'Part').map((p) => ({
        partNumber: num(str(p, 'PartNumber')),
        size: num(str(p, 'Size')),
        etag: normaliseEtag(str(p, 'ETag')),
        lastModified: time(str(p, 'LastModified')),
      })),
      isTruncated: str(out.xml, 'IsTruncated') === 'true',
      storageClass: toClass(str(out.xml, 'StorageClass')),
    };
    return page;
  }

  async listUploads(input: ListUploadsInput): Promise<RemoteUploadsPage> {
    const query: Record<string, string | number> = { 'max-uploads': input.maxUploads };
    if (input.prefix) query.prefix = input.prefix;
    if (input.delimiter) query.delimiter = input.delimiter;
    if (input.keyMarker) query['key-marker'] = input.keyMarker;
    if (input.keyMarker && input.uploadIdMarker) query['upload-id-marker'] = input.uploadIdMarker;
    const out = await this.send('ListMultipartUploads', input.bucket, {
      method: 'GET',
      key: '',
      subres: { uploads: '' },
      query,
      ok: [200],
    });
    return {
      uploads: list(out.xml, 'Upload').map((u) => ({
        key: str(u, 'Key'),
        uploadId: str(u, 'UploadId'),
        initiated: time(str(u, 'Initiated')),
        storageClass: toClass(str(u, 'StorageClass')),
      })),
      commonPrefixes: list(out.xml, 'CommonPrefixes').map((p) => str(p, 'Prefix')),
      isTruncated: str(out.xml, 'IsTruncated') === 'true',
      nextKeyMarker: opt(str(out.xml, 'NextKeyMarker')),
      nextUploadIdMarker: opt(str(out.xml, 'NextUploadIdMarker')),
    };
  }

  async getBucketVersioning(bucket: string): Promise<VersioningStatus | undefined> {
    const out = await this.send('GetBucketVersioning', bucket, {
      method: 'GET',
      key: '',
      subres: { versioning: '' },
      ok: [200],
    });
    const status = str(out.xml, 'Status');
    return (VERSIONING_STATUSES as readonly string[]).includes(status)
      ? (status as VersioningStatus)
      : undefined;
  }

  async putBucketVersioning(bucket: string, status: VersioningStatus): Promise<void> {
    await this.send('PutBucketVersioning', bucket, {
      method: 'PUT',
      key: '',
      subres: { versioning: '' },
      mime: 'xml',
      content: toXml('VersioningConfiguration', { Status: status }),
      ok: [200],
    });
  }

  async listObjectVersions(q: Parameters<RemoteVersioningDriver['listObjectVersions']>[0]) {
    const query: Record<string, string | number> = { 'max-keys': q.maxKeys };
    if (q.prefix !== undefined) query.prefix = q.prefix;
    if (q.delimiter !== undefined) query.delimiter = q.delimiter;
    if (q.keyMarker !== undefined) query['key-marker'] = q.keyMarker;
    if (q.versionIdMarker !== undefined) query['version-id-marker'] = q.versionIdMarker;
    const out = await this.send('ListObjectVersions', q.bucket, {
      method: 'GET',
      key: '',
      subres: { versions: '' },
      query,
      ok: [200],
    });
    const page: RemoteVersionsPage = {
      entries: mergeByKeyThenAge([
        ...list(out.xml, 'Version').map((v) => ({
          kind: 'version' as const,
          key: str(v, 'Key'),
          versionId: str(v, 'VersionId') || 'null',
          isLatest: str(v, 'IsLatest') === 'true',
          size: num(str(v, 'Size')),
          etag: normaliseEtag(str(v, 'ETag')),
          lastModified: time(str(v, 'LastModified')),
          storageClass: toClass(str(v, 'StorageClass')),
        })),
        ...list(out.xml, 'DeleteMarker').map((m) => ({
          kind: 'delete-marker' as const,
          key: str(m, 'Key'),
          versionId: str(m, 'VersionId') || 'null',
          isLatest: str(m, 'IsLatest') === 'true',
          lastModified: time(str(m, 'LastModified')),
        })),
      ]),
      commonPrefixes: list(out.xml, 'CommonPrefixes').map((p) => str(p, 'Prefix')),
      isTruncated: str(out.xml, 'IsTruncated') === 'true',
      nextKeyMarker: opt(str(out.xml, 'NextKeyMarker')),
      nextVersionIdMarker: opt(str(out.xml, 'NextVersionIdMarker')),
    };
    return page;
  }

  async headDeleteMarker(bucket: string, key: string, versionId: string | undefined) {
    const out = await this.send('HeadObject', bucket, {
      method: 'HEAD',
      key,
      subres: versionId === undefined ? {} : { versionId },
      ok: [200, 404, 405],
    });
    if (out.status === 200 || out.headers['x-oss-delete-marker'] !== 'true') return undefined;
    const marker: RemoteDeleteMarker = {
      versionId: out.headers['x-oss-version-id'] ?? 'null',
      lastModified: time(out.headers['last-modified'] ?? ''),
    };
    return marker;
  }

  async deleteVersion(bucket: string, key: string, versionId: string | undefined) {
    const out = await this.send('DeleteObject', bucket, {
      method: 'DELETE',
      key,
      subres: versionId === undefined ? {} : { versionId },
      ok: [204],
    });
    return {
      versionId: out.headers['x-oss-version-id'],
      deleteMarker: out.headers['x-oss-delete-marker'] === 'true',
    };
  }

  async getBucketStat(bucket: string): Promise<RemoteBucketStat> {
    const out = await this.send('GetBucketStat', bucket, {
      method: 'GET',
      key: '',
      subres: { stat: '' },
      ok: [200],
    });
    const x = out.xml;
    const byClass = (suffix: string): Record<string, number> => {
      const r: Record<string, number> = {};
      const names: Record<StorageClass, string> = {
        Standard: 'Standard',
        IA: 'InfrequentAccess',
        Archive: 'Archive',
        ColdArchive: 'ColdArchive',
        DeepColdArchive: 'DeepColdArchive',
      };
      for (const [cls, wire] of Object.entries(names)) {
        const v = str(x, `${wire}${suffix}`);
        if (v !== '') r[cls] = num(v);
      }
      return r;
    };
    return {
      storage: num(str(x, 'Storage')),
      objectCount: num(str(x, 'ObjectCount')),
      multipartUploadCount: num(str(x, 'MultipartUploadCount')),
      multipartPartCount: num(str(x, 'MultipartPartCount')),
      storageByClass: byClass('Storage'),
      objectsByClass: byClass('ObjectCount'),
      lastModified: num(str(x, 'LastModifiedTime')) * 1000,
    };
  }
}
