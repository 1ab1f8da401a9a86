import type { Readable } from 'node:stream';
import type { ObjectAcl, RestoreTier, StorageClass, Tag } from '../types.js';
import type { RemoteMultipartDriver, RemoteVersioningDriver } from './passthrough-driver.js';
import type { SpooledBody } from './spool.js';

/** What a HEAD of a remote object tells (tags and ACL are separate calls). */
export interface RemoteHead {
  readonly size: number;
  /** Upper-case, without quotes (a multipart ETag keeps its `-N` suffix). */
  readonly etag: string;
  readonly contentType: string;
  readonly lastModified: number;
  readonly storageClass: StorageClass;
  /** The store's version id; 'null' where the bucket is not versioned. */
  readonly versionId: string;
  readonly userMeta: Record<string, string>;
  readonly httpHeaders: Record<string, string>;
  /** The raw restore header (`ongoing-request="…"[, expiry-date="…"]`), when the store sent one. */
  readonly restoreHeader: string | undefined;
}

export interface RemoteSummary {
  readonly key: string;
  readonly size: number;
  readonly etag: string;
  readonly lastModified: number;
  readonly storageClass: StorageClass;
}

export interface RemoteListPage {
  readonly objects: RemoteSummary[];
  readonly commonPrefixes: string[];
  readonly isTruncated: boolean;
}

export interface RemotePut {
  readonly bucket: string;
  readonly key: string;
  readonly body: SpooledBody;
  readonly contentType: string;
  readonly storageClass?: StorageClass | undefined;
  readonly acl?: ObjectAcl | undefined;
  readonly userMeta?: Record<string, string> | undefined;
  readonly httpHeaders?: Record<string, string> | undefined;
  readonly tags?: readonly Tag[] | undefined;
  readonly forbidOverwrite?: boolean | undefined;
}

export interface RemoteCopy {
  readonly sourceBucket: string;
  readonly sourceKey: string;
  /** Copy this version of the source (the store's id) instead of the current one. */
  readonly sourceVersionId?: string | undefined;
  readonly bucket: string;
  readonly key: string;
  /** Set when the metadata is replaced (REPLACE directive). */
  readonly replace?:
    | {
        readonly contentType: string;
        readonly userMeta: Record<string, string>;
        readonly httpHeaders: Record<string, string>;
      }
    | undefined;
  readonly storageClass?: StorageClass | undefined;
  /** Set when the tags are replaced (REPLACE directive). */
  readonly tags?: readonly Tag[] | undefined;
  readonly acl?: ObjectAcl | undefined;
  readonly forbidOverwrite?: boolean | undefined;
}

/**
 * One remote store's wire, one call per method (no retries, no limiter: RemoteStore adds both). Every
 * method throws RemoteError (mapped code + the retryable decision) for anything the store refuses.
 */
export interface RemoteDriver {
  /** 's3' or 'oss': named in messages. */
  readonly kind: string;
  /** Whether the store honours a conditional "create only" write atomically (OSS x-oss-forbid-overwrite). */
  readonly atomicForbidOverwrite: boolean;
  /** Multipart uploads, versioning and GetBucketStat as the store serves them (passthrough-driver.ts). */
  readonly passthrough: RemoteMultipartDriver & RemoteVersioningDriver;
  listBuckets(): Promise<{ name: string; createdAt: number }[]>;
  bucketExists(bucket: string): Promise<boolean>;
  createBucket(bucket: string, storageClass: StorageClass): Promise<void>;
  deleteBucket(bucket: string): Promise<void>;
  headObject(bucket: string, key: string, versionId?: string): Promise<RemoteHead | undefined>;
  getTags(bucket: string, key: string, versionId?: string): Promise<Tag[]>;
  getAcl(bucket: string, key: string, versionId?: string): Promise<ObjectAcl>;
  /** Resolves once the response headers arrived; the body streams. */
  getObject(
    bucket: string,
    key: string,
    range: { start: number; end: number } | undefined,
    versionId: string | undefined,
  ): Promise<Readable>;
  putObject(input: RemotePut): Promise<void>;
  /** Multipart upload of a large spooled body. */
  putLarge(input: RemotePut, partSize: number): Promise<void>;
  copyObject(input: RemoteCopy): Promise<void>;
  listObjects(input: {
    bucket: string;
    prefix: string | undefined;
    delimiter: string | undefined;
    after: string | undefined;
    maxKeys: number;
  }): Promise<RemoteListPage>;
  putTags(bucket: string, key: string, tags: readonly Tag[], versionId?: string): Promise<void>;
  deleteTags(bucket: string, key: string, versionId?: string): Promise<void>;
  putAcl(bucket: string, key: string, acl: ObjectAcl, versionId?: string): Promise<void>;
  /** 'accepted' (202) or 'extended' (200: already restored). */
  restore(
    bucket: string,
    key: string,
    days: number,
    tier: RestoreTier | undefined,
    storageClass: StorageClass,
    versionId?: string,
  ): Promise<'accepted' | 'extended'>;
  close(): Promise<void>;
}
