import type { Readable } from 'node:stream';

/** The part of ali-oss's client this adapter uses (its bundled typings lack the tagging calls). */
export interface AliOssClient {
  listBuckets(query: Record<string, string | number> | null): Promise<{
    buckets: { name: string; creationDate: string }[] | null;
    isTruncated: boolean;
    nextMarker: string | null;
  }>;
  putBucket(name: string, options?: { StorageClass?: string }): Promise<unknown>;
  deleteBucket(name: string): Promise<unknown>;
  head(
    name: string,
    options?: { versionId?: string },
  ): Promise<{ status: number; res: { headers: Record<string, string | undefined> } }>;
  getObjectTagging(name: string, options?: { versionId?: string }): Promise<{ tag: Record<string, string> }>;
  putObjectTagging(
    name: string,
    tag: Record<string, string>,
    options?: { versionId?: string },
  ): Promise<unknown>;
  deleteObjectTagging(name: string, options?: { versionId?: string }): Promise<unknown>;
  getACL(name: string, options?: { versionId?: string }): Promise<{ acl: string }>;
  putACL(name: string, acl: string, options?: { versionId?: string }): Promise<unknown>;
  getStream(
    name: string,
    options?: { headers?: Record<string, string>; subres?: Record<string, string> },
  ): Promise<{ stream: Readable }>;
  put(name: string, file: Buffer | string, options?: PutOptions): Promise<unknown>;
  multipartUpload(
    name: string,
    file: string,
    options: PutOptions & { partSize: number; parallel: number },
  ): Promise<unknown>;
  copy(name: string, sourceName: string, sourceBucket: string, options?: PutOptions): Promise<unknown>;
  delete(name: string): Promise<unknown>;
  list(
    query: Record<string, string | number>,
    options: Record<string, never>,
  ): Promise<{
    objects:
      { name: string; size: number; etag: string; lastModified: string; storageClass?: string }[] | undefined;
    prefixes: string[] | null;
    isTruncated: boolean;
  }>;
  restore(
    name: string,
    options: { type: string; Days: number; JobParameters?: string; versionId?: string },
  ): Promise<unknown>;
}

/** ali-oss's request plumbing, for the one call its public method validates too strictly (see oss-tagging.ts). */
export interface AliOssRaw {
  _objectRequestParams(
    method: string,
    name: string,
    options: { subres: Record<string, string>; headers?: Record<string, string> },
  ): { mime?: string; content?: string; successStatuses?: number[] };
  request(params: unknown): Promise<{ status: number }>;
}

export interface PutOptions {
  headers?: Record<string, string>;
  mime?: string;
  meta?: Record<string, string>;
}
