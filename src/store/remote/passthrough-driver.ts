import type { ListUploadsInput } from '../multipart-store.js';
import type { ObjectAcl, StorageClass, Tag, VersioningStatus } from '../types.js';
import type { SpooledBody } from './spool.js';

/** InitiateMultipartUpload's object metadata, applied by the store at Complete. */
export interface RemoteInitiate {
  readonly bucket: string;
  readonly key: string;
  readonly contentType: string;
  readonly storageClass?: StorageClass | undefined;
  readonly acl?: ObjectAcl | undefined;
  readonly userMeta?: Record<string, string> | undefined;
  readonly httpHeaders?: Record<string, string> | undefined;
  readonly tags?: readonly Tag[] | undefined;
}

export interface RemotePart {
  readonly partNumber: number;
  readonly size: number;
  /** Upper-case, without quotes. */
  readonly etag: string;
  readonly lastModified: number;
}

export interface RemotePartsPage {
  readonly parts: RemotePart[];
  readonly isTruncated: boolean;
  readonly storageClass: StorageClass;
}

export interface RemoteUpload {
  readonly key: string;
  readonly uploadId: string;
  readonly initiated: number;
  readonly storageClass: StorageClass;
}

export interface RemoteUploadsPage {
  readonly uploads: RemoteUpload[];
  readonly commonPrefixes: string[];
  readonly isTruncated: boolean;
  readonly nextKeyMarker?: string | undefined;
  readonly nextUploadIdMarker?: string | undefined;
}

/** One entry of a ListObjectVersions page; `versionId` is the store's (`null` for the null version). */
export type RemoteVersionEntry =
  | {
      readonly kind: 'version';
      readonly key: string;
      readonly versionId: string;
      readonly isLatest: boolean;
      readonly size: number;
      readonly etag: string;
      readonly lastModified: number;
      readonly storageClass: StorageClass;
    }
  | {
      readonly kind: 'delete-marker';
      readonly key: string;
      readonly versionId: string;
      readonly isLatest: boolean;
      readonly lastModified: number;
    };

export interface RemoteVersionsPage {
  /** Key ascending, newest first within a key (the store's order). */
  readonly entries: RemoteVersionEntry[];
  readonly commonPrefixes: string[];
  readonly isTruncated: boolean;
  readonly nextKeyMarker?: string | undefined;
  readonly nextVersionIdMarker?: string | undefined;
}

/** What a GET/HEAD that hit a delete marker tells (both stores answer 404 with marker headers). */
export interface RemoteDeleteMarker {
  readonly versionId: string;
  readonly lastModified: number;
}

/** GetBucketStat as the store reports it. */
export interface RemoteBucketStat {
  readonly storage: number;
  readonly objectCount: number;
  readonly multipartUploadCount: number;
  readonly multipartPartCount: number;
  readonly storageByClass: Readonly<Record<string, number>>;
  readonly objectsByClass: Readonly<Record<string, number>>;
  readonly lastModified: number;
}

/**
 * Multipart uploads passed through to the store (issue 8 §2). Upload ids are the store's own, unchanged: the
 * store already binds them to bucket and key, every node of a cluster can serve any part without a shared
 * mapping table, and a client's cleanup (ListMultipartUploads + Abort) sees exactly what the store holds.
 */
export interface RemoteMultipartDriver {
  initiateUpload(input: RemoteInitiate): Promise<string>;
  /** Returns the part's ETag as the store answered it (normalised: upper-case, no quotes). */
  uploadPart(
    bucket: string,
    key: string,
    uploadId: string,
    partNumber: number,
    body: SpooledBody,
  ): Promise<string>;
  uploadPartCopy(input: {
    bucket: string;
    key: string;
    uploadId: string;
    partNumber: number;
    sourceBucket: string;
    sourceKey: string;
    sourceVersionId: string | undefined;
    range: { start: number; end: number } | undefined;
  }): Promise<{ etag: string; lastModified: number }>;
  /** The part list exactly as the client sent it (the store checks order, ETags and sizes). */
  completeUpload(input: {
    bucket: string;
    key: string;
    uploadId: string;
    parts: readonly { partNumber: number; etag: string }[];
    forbidOverwrite: boolean;
    acl: ObjectAcl | undefined;
  }): Promise<void>;
  abortUpload(bucket: string, key: string, uploadId: string): Promise<void>;
  listParts(
    bucket: string,
    key: string,
    uploadId: string,
    after: number,
    maxParts: number,
  ): Promise<RemotePartsPage>;
  listUploads(input: ListUploadsInput): Promise<RemoteUploadsPage>;
}

/** Versioning passed through to the store (issue 8 §2–3). */
export interface RemoteVersioningDriver {
  /** undefined when versioning was never enabled (or the store has no versioning at all). */
  getBucketVersioning(bucket: string): Promise<VersioningStatus | undefined>;
  putBucketVersioning(bucket: string, status: VersioningStatus): Promise<void>;
  listObjectVersions(input: {
    bucket: string;
    prefix: string | undefined;
    delimiter: string | undefined;
    keyMarker: string | undefined;
    versionIdMarker: string | undefined;
    maxKeys: number;
  }): Promise<RemoteVersionsPage>;
  /** The delete marker a HEAD of this key (version) hits, or undefined when it hits nothing at all. */
  headDeleteMarker(
    bucket: string,
    key: string,
    versionId: string | undefined,
  ): Promise<RemoteDeleteMarker | undefined>;
  /** DeleteObject, of one version when `versionId` is given; tells what the store did. */
  deleteVersion(
    bucket: string,
    key: string,
    versionId: string | undefined,
  ): Promise<{ versionId: string | undefined; deleteMarker: boolean }>;
  /** undefined when the store has no GetBucketStat (S3). */
  getBucketStat(bucket: string): Promise<RemoteBucketStat | undefined>;
}

/**
 * OSS (and S3) list versions and delete markers as two element kinds; the port wants one list in listing
 * order: key ascending (byte order), newest first within a key (the latest first, then by time: the wire
 * carries seconds only, so on a tie the store's order within each kind stands).
 */
export function mergeByKeyThenAge<T extends { key: string; lastModified: number; isLatest: boolean }>(
  entries: T[],
): T[] {
  return entries
    .map((e, i) => ({ e, i }))
    .sort(
      (a, b) =>
        Buffer.compare(Buffer.from(a.e.key), Buffer.from(b.e.key)) ||
        Number(b.e.isLatest) - Number(a.e.isLatest) ||
        b.e.lastModified - a.e.lastModified ||
        a.i - b.i,
    )
    .map((x) => x.e);
}
