import type { Readable } from 'node:stream';
import type { ObjectAcl, ObjectMeta, StorageClass, Tag } from './types.js';

/**
 * Multipart uploads (issue 9), the part of the ObjectStore port that InitiateMultipartUpload, UploadPart,
 * UploadPartCopy, CompleteMultipartUpload, AbortMultipartUpload, ListParts and ListMultipartUploads use.
 * Methods throw OssError (NoSuchUpload, InvalidPart, InvalidPartOrder, EntityTooSmall, …).
 */
export interface MultipartStore {
  initiateUpload(input: InitiateUploadInput): Promise<UploadInfo>;
  /** Stores one part (fsynced), replacing an earlier part with the same number. */
  uploadPart(input: UploadPartInput): Promise<PartInfo>;
  /** A part copied from (a range of) an existing object. */
  uploadPartCopy(input: UploadPartCopyInput): Promise<PartInfo>;
  /**
   * Assembles the listed parts (or all uploaded parts) into the object and ends the upload, atomically:
   * the object becomes visible, whole, in the same commit that removes the upload.
   */
  completeUpload(input: CompleteUploadInput): Promise<ObjectMeta>;
  abortUpload(bucket: string, key: string, uploadId: string): Promise<void>;
  listParts(input: ListPartsInput): Promise<ListPartsPage>;
  listUploads(input: ListUploadsInput): Promise<ListUploadsPage>;
}

/** OSS limits (CompleteMultipartUpload / UploadPart docs). */
export const MAX_PART_NUMBER = 10_000;
/** Every part but the last must be at least 100 KB (EntityTooSmall at Complete). */
export const MIN_PART_SIZE = 100 * 1024;
/** A part is at most 5 GB (EntityTooLarge). */
export const MAX_PART_SIZE = 5 * 1024 ** 3;

export interface InitiateUploadInput {
  bucket: string;
  key: string;
  contentType: string;
  storageClass?: StorageClass;
  acl?: ObjectAcl;
  userMeta?: Record<string, string>;
  httpHeaders?: Record<string, string>;
  tags?: readonly Tag[];
}

export interface UploadInfo {
  readonly bucket: string;
  readonly key: string;
  readonly uploadId: string;
  /** ms since epoch */
  readonly initiated: number;
  readonly storageClass: StorageClass;
}

export interface PartInfo {
  readonly partNumber: number;
  readonly size: number;
  /** Upper-case hex MD5 of the part, without quotes. */
  readonly etag: string;
  /** ms since epoch */
  readonly lastModified: number;
}

export interface UploadPartInput {
  bucket: string;
  key: string;
  uploadId: string;
  partNumber: number;
  body: Readable;
  contentMd5?: string;
  contentLength?: number;
}

export interface UploadPartCopyInput {
  bucket: string;
  key: string;
  uploadId: string;
  partNumber: number;
  source: ObjectMeta;
  /** Inclusive byte range of the source; the whole object when absent. */
  range?: { start: number; end: number };
}

export interface CompleteUploadInput {
  bucket: string;
  key: string;
  uploadId: string;
  /** The client's part list in the order sent, or 'all' (x-oss-complete-all: yes). */
  parts: readonly { partNumber: number; etag: string }[] | 'all';
  forbidOverwrite?: boolean;
  /** x-oss-object-acl given at Complete overrides the one given at Initiate. */
  acl?: ObjectAcl;
}

export interface ListPartsInput {
  bucket: string;
  key: string;
  uploadId: string;
  /** Parts with a number greater than this (part-number-marker). */
  after: number;
  /** 1..1000 */
  maxParts: number;
}

export interface ListPartsPage {
  readonly upload: UploadInfo;
  readonly parts: PartInfo[];
  readonly isTruncated: boolean;
}

export interface ListUploadsInput {
  bucket: string;
  prefix?: string;
  delimiter?: string;
  /** key-marker: uploads of later keys (and, with uploadIdMarker, later uploads of this key). */
  keyMarker?: string;
  uploadIdMarker?: string;
  /** 1..1000 */
  maxUploads: number;
}

export interface ListUploadsPage {
  readonly uploads: UploadInfo[];
  readonly commonPrefixes: string[];
  readonly isTruncated: boolean;
  readonly nextKeyMarker?: string;
  readonly nextUploadIdMarker?: string;
}
