import type http from 'node:http';
import type { Readable } from 'node:stream';
import OSS from 'ali-oss';
import {
  STORAGE_CLASSES,
  type ObjectAcl,
  type RestoreTier,
  type StorageClass,
  type Tag,
} from '../../types.js';
import type { RemoteCopy, RemoteDriver, RemoteHead, RemoteListPage, RemotePut } from '../remote-driver.js';
import { normaliseEtag } from '../remote-meta.js';
import type { RemoteEndpoint } from '../store-url.js';
import type { AliOssClient, AliOssRaw, PutOptions } from './ali-oss-client.js';
import { aliOssEndpoint } from './oss-endpoint.js';
import { fromOssError } from './oss-errors.js';
import { headersFromOss, ossPutHeaders } from './oss-headers.js';
import { OssPassthrough } from './oss-passthrough.js';
import { putTagging, refuseDotSegments } from './oss-tagging.js';

/** The key, unless ali-oss would address another object by it (oss-tagging.ts). */
const checked = (key: string): string => {
  refuseDotSegments(key);
  return key;
};
const ver = (v: string | undefined): { versionId?: string } => (v === undefined ? {} : { versionId: v });
const toClass = (c: string | undefined): StorageClass => STORAGE_CLASSES.find((k) => k === c) ?? 'Standard';

/**
 * Alibaba OSS or any OSS-compatible server (another ossbatch included) through ali-oss. ali-oss binds a
 * client to one bucket, so one client per bucket is kept (they share ali-oss's keep-alive agent).
 */
export class OssDriver implements RemoteDriver {
  readonly kind = 'oss';
  // OSS checks x-oss-forbid-overwrite at commit time on the server.
  readonly atomicForbidOverwrite = true;
  readonly passthrough = new OssPassthrough((bucket) => this.client(bucket) as unknown as AliOssRaw);
  private readonly clients = new Map<string, AliOssClient>();
  private readonly endpoint: string;
  private readonly agent: http.Agent;

  constructor(private readonly ep: RemoteEndpoint) {
    ({ agent: this.agent, endpoint: this.endpoint } = aliOssEndpoint(ep));
  }

  private client(bucket?: string): AliOssClient {
    const name = bucket ?? '';
    let c = this.clients.get(name);
    if (c === undefined) {
      c = new OSS({
        endpoint: this.endpoint,
        ...(this.ep.secure ? { httpsAgent: this.agent } : { agent: this.agent }),
        accessKeyId: this.ep.accessKeyId,
        accessKeySecret: this.ep.accessKeySecret,
        ...(bucket === undefined ? {} : { bucket }),
        ...(this.ep.region === undefined ? {} : { region: this.ep.region }),
        secure: this.ep.secure,
        // Path-style (/<bucket>/<key>) unless the host is Alibaba's, which wants virtual-hosted buckets.
        sldEnable: !/aliyuncs\.com$/.test(this.ep.host),
        authorizationV4: this.ep.region !== undefined,
        // Retries are RemoteStore's (one policy, one limiter).
        retryMax: 0,
        timeout: 60_000,
      } as unknown as OSS.Options) as unknown as AliOssClient;
      this.clients.set(name, c);
    }
    return c;
  }

  private async send<T>(call: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      throw fromOssError(call, e);
    }
  }

  async listBuckets(): Promise<{ name: string; createdAt: number }[]> {
    const out: { name: string; createdAt: number }[] = [];
    let marker: string | null = null;
    do {
      const page = await this.send('ListBuckets', () =>
        this.client().listBuckets({ 'max-keys': 1000, ...(marker === null ? {} : { marker }) }),
      );
      for (const b of page.buckets ?? [])
        out.push({ name: b.name, createdAt: Date.parse(b.creationDate) || 0 });
      marker = page.isTruncated ? page.nextMarker : null;
    } while (marker !== null);
    return out;
  }

  async bucketExists(bucket: string): Promise<boolean> {
    try {
      // A one-key listing: every OSS-compatible server has it (GetBucketInfo is not universal).
      await this.send('ListObjects', () => this.client(bucket).list({ 'max-keys': 1 }, {}));
      return true;
    } catch (e) {
      if ((e as { code?: string }).code === 'NoSuchBucket') return false;
      throw e;
    }
  }

  async createBucket(bucket: string, storageClass: StorageClass): Promise<void> {
    await this.send('PutBucket', () => this.client(bucket).putBucket(bucket, { StorageClass: storageClass }));
  }

  async deleteBucket(bucket: string): Promise<void> {
    await this.send('DeleteBucket', () => this.client(bucket).deleteBucket(bucket));
  }

  async headObject(bucket: string, key: string, versionId?: string): Promise<RemoteHead | undefined> {
    try {
      const out = await this.send('HeadObject', () => this.client(bucket).head(checked(key), ver(versionId)));
      const h = out.res.headers;
      const meta: Record<string, string> = {};
      for (const [k, v] of Object.entries(h))
        if (k.startsWith('x-oss-meta-') && v !== undefined) meta[k.slice(11)] = v;
      return {
        size: Number(h['content-length'] ?? 0),
        etag: normaliseEtag(h.etag),
        contentType: h['content-type'] ?? 'application/octet-stream',
        lastModified: Date.parse(h['last-modified'] ?? '') || 0,
        storageClass: toClass(h['x-oss-storage-class']),
        versionId: h['x-oss-version-id'] ?? 'null',
        userMeta: meta,
        httpHeaders: headersFromOss(h),
        restoreHeader: h['x-oss-restore'],
      };
    } catch (e) {
      if ((e as { code?: string }).code === 'NoSuchKey') return undefined;
      throw e;
    }
  }

  async getTags(bucket: string, key: string, versionId?: string): Promise<Tag[]> {
    const out = await this.send('GetObjectTagging', () =>
      this.client(bucket).getObjectTagging(checked(key), ver(versionId)),
    );
    return Object.entries(out.tag).map(([k, value]) => ({ key: k, value: value ?? '' }));
  }

  async getAcl(bucket: string, key: string, versionId?: string): Promise<ObjectAcl> {
    const out = await this.send('GetObjectAcl', () =>
      this.client(bucket).getACL(checked(key), ver(versionId)),
    );
    const acl = out.acl as ObjectAcl;
    return ['default', 'private', 'public-read', 'public-read-write'].includes(acl) ? acl : 'default';
  }

  async getObject(
    bucket: string,
    key: string,
    range: { start: number; end: number } | undefined,
    versionId: string | undefined,
  ): Promise<Readable> {
    const out = await this.send('GetObject', () =>
      this.client(bucket).getStream(checked(key), {
        ...(range === undefined ? {} : { headers: { Range: `bytes=${range.start}-${range.end}` } }),
        ...(versionId === undefined ? {} : { subres: { versionId } }),
      }),
    );
    return out.stream;
  }

  private putOptions(input: RemotePut): PutOptions {
    return {
      mime: input.contentType,
      headers: { ...ossPutHeaders(input), 'Content-MD5': input.body.md5Base64 },
      ...(input.userMeta === undefined ? {} : { meta: input.userMeta }),
    };
  }

  async putObject(input: RemotePut): Promise<void> {
    checked(input.key);
    const body = input.body.file ?? input.body.buffer();
    await this.send('PutObject', () =>
      this.client(input.bucket).put(input.key, body, this.putOptions(input)),
    );
  }

  /** OSS multipart upload from the spooled file; a store without multipart gets one PUT instead. */
  async putLarge(input: RemotePut, partSize: number): Promise<void> {
    const file = input.body.file;
    if (file === null) return this.putObject(input);
    const { headers = {}, ...rest } = this.putOptions(input);
    delete headers['Content-MD5'];
    try {
      await this.send('MultipartUpload', () =>
        this.client(input.bucket).multipartUpload(input.key, file, {
          ...rest,
          headers,
          partSize,
          parallel: 4,
        }),
      );
    } catch (e) {
      // A server without multipart (ossbatch before multipart upload, some OSS-compatibles) refuses the
      // `?uploads` initiate with 400 or 501: one PUT of the spooled file instead (up to 5 GiB).
      const code = (e as { code?: string }).code;
      if (code !== 'OperationNotSupported' && code !== 'InvalidRequest') throw e;
      await this.putObject(input);
    }
  }

  async copyObject(input: RemoteCopy): Promise<void> {
    checked(input.key);
    const headers = ossPutHeaders({ ...input, httpHeaders: input.replace?.httpHeaders });
    headers['x-oss-metadata-directive'] = input.replace === undefined ? 'COPY' : 'REPLACE';
    headers['x-oss-tagging-directive'] = input.tags === undefined ? 'Copy' : 'Replace';
    if (input.replace !== undefined) headers['Content-Type'] = input.replace.contentType;
    const options: PutOptions & { versionId?: string } = {
      headers,
      ...ver(input.sourceVersionId),
      ...(input.replace === undefined
        ? {}
        : { mime: input.replace.contentType, meta: input.replace.userMeta }),
    };
    await this.send('CopyObject', () =>
      this.client(input.bucket).copy(input.key, input.sourceKey, input.sourceBucket, options),
    );
  }

  async listObjects(q: {
    bucket: string;
    prefix: string | undefined;
    delimiter: string | undefined;
    after: string | undefined;
    maxKeys: number;
  }): Promise<RemoteListPage> {
    const query: Record<string, string | number> = { 'max-keys': q.maxKeys };
    if (q.prefix !== undefined) query.prefix = q.prefix;
    if (q.delimiter !== undefined) query.delimiter = q.delimiter;
    if (q.after !== undefined) query.marker = q.after;
    const out = await this.send('ListObjects', () => this.client(q.bucket).list(query, {}));
    return {
      objects: (out.objects ?? []).map((o) => ({
        key: o.name,
        size: Number(o.size),
        etag: normaliseEtag(o.etag),
        lastModified: Date.parse(o.lastModified) || 0,
        storageClass: toClass(o.storageClass),
      })),
      commonPrefixes: out.prefixes ?? [],
      isTruncated: out.isTruncated,
    };
  }

  async putTags(bucket: string, key: string, tags: readonly Tag[], versionId?: string): Promise<void> {
    await this.send('PutObjectTagging', () =>
      putTagging(this.client(bucket) as unknown as AliOssRaw, checked(key), tags, versionId),
    );
  }

  async deleteTags(bucket: string, key: string, versionId?: string): Promise<void> {
    await this.send('DeleteObjectTagging', () =>
      this.client(bucket).deleteObjectTagging(checked(key), ver(versionId)),
    );
  }

  async putAcl(bucket: string, key: string, acl: ObjectAcl, versionId?: string): Promise<void> {
    await this.send('PutObjectAcl', () => this.client(bucket).putACL(checked(key), acl, ver(versionId)));
  }

  /** OSS RestoreObject (Days; JobParameters.Tier for ColdArchive/DeepColdArchive); 200 = extended. */
  async restore(
    bucket: string,
    key: string,
    days: number,
    tier: RestoreTier | undefined,
    storageClass: StorageClass,
    versionId?: string,
  ): Promise<'accepted' | 'extended'> {
    try {
      await this.client(bucket).restore(checked(key), {
        type: storageClass,
        Days: days,
        ...(tier === undefined ? {} : { JobParameters: tier }),
        ...ver(versionId),
      });
      return 'accepted';
    } catch (e) {
      // ali-oss accepts only 202; a 200 (already restored: the expiry was extended) arrives as an "error".
      if ((e as { status?: number }).status === 200) return 'extended';
      throw fromOssError('RestoreObject', e);
    }
  }

  close(): Promise<void> {
    this.clients.clear();
    this.agent.destroy();
    return Promise.resolve();
  }
}
