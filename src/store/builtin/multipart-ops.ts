import type { Readable } from 'node:stream';
import type { SqliteDb } from '../../db/sqlite/open.js';
import type { Clock } from '../../protocol/clock.js';
import { randomHex } from '../../protocol/ids.js';
import { OssError } from '../../protocol/oss-error.js';
import {
  MAX_PART_SIZE,
  type InitiateUploadInput,
  type ListPartsInput,
  type ListPartsPage,
  type PartInfo,
  type UploadInfo,
  type UploadPartCopyInput,
  type UploadPartInput,
} from '../multipart-store.js';
import type { ObjectMeta, StorageClass } from '../types.js';
import type { BlobFiles, WrittenBody } from './blob-files.js';
import type { BucketOps } from './bucket-ops.js';
import type { MultipartStatements, PartRow, UploadRow } from './multipart-sql.js';
import { checkKey, decodeMd5 } from './object-input.js';
import { encodeRecord } from './rows.js';
import { encodeTags, validateTags } from './tags.js';

/** What the multipart operations share with the rest of the built-in store. */
export interface MultipartDeps {
  readonly db: SqliteDb;
  readonly st: MultipartStatements;
  readonly files: BlobFiles;
  readonly clock: Clock;
  readonly buckets: BucketOps;
  readonly readObject: (meta: ObjectMeta, range?: { start: number; end: number }) => Readable;
}

/** The time part of the last upload id this process issued (kept strictly increasing, see newUploadId). */
let lastIdTime = 0;

/**
 * Upload ids are 32 upper-case hex characters as OSS shows them; the first 12 are the initiation time in
 * ms, so one key's uploads list oldest first (ListMultipartUploads orders by key, then upload id). Two
 * initiations in the same millisecond would otherwise be ordered by the random tail, so the time part
 * never repeats within the process (one store per data dir: the data-dir lock).
 */
export const newUploadId = (now: number): string => {
  lastIdTime = Math.max(now, lastIdTime + 1);
  return (lastIdTime.toString(16).padStart(12, '0') + randomHex(10)).toUpperCase();
};

export const uploadInfo = (row: UploadRow): UploadInfo => ({
  bucket: row.bucket,
  key: row.key,
  uploadId: row.upload_id,
  initiated: row.initiated,
  storageClass: row.storage_class as StorageClass,
});

export const partInfo = (row: PartRow): PartInfo => ({
  partNumber: row.part_number,
  size: row.size,
  etag: row.etag,
  lastModified: row.last_modified,
});

/** The upload, which must belong to this bucket and key (NoSuchUpload otherwise, as OSS answers). */
export function requireUpload(
  st: MultipartStatements,
  bucket: string,
  key: string,
  uploadId: string,
): UploadRow {
  const row = st.getUpload.get(uploadId) as UploadRow | undefined;
  if (row === undefined || row.bucket !== bucket || row.key !== key)
    throw new OssError('NoSuchUpload', undefined, { details: { UploadId: uploadId } });
  return row;
}

/** Initiate, parts, abort and ListParts. Complete lives in multipart-complete.ts, listing in multipart-list.ts. */
export class MultipartOps {
  constructor(private readonly d: MultipartDeps) {}

  initiate(input: InitiateUploadInput): UploadInfo {
    const bucket = this.d.buckets.require(input.bucket);
    checkKey(input.key);
    if (input.tags) validateTags(input.tags);
    const now = this.d.clock.now();
    const uploadId = newUploadId(now);
    this.d.st.insertUpload.run(
      uploadId,
      input.bucket,
      input.key,
      now,
      input.contentType,
      input.storageClass ?? bucket.storageClass,
      input.acl ?? 'default',
      encodeRecord(input.userMeta),
      encodeRecord(input.httpHeaders),
      encodeTags(input.tags ?? []),
    );
    return uploadInfo(this.d.st.getUpload.get(uploadId) as UploadRow);
  }

  async uploadPart(input: UploadPartInput): Promise<PartInfo> {
    this.d.buckets.require(input.bucket);
    requireUpload(this.d.st, input.bucket, input.key, input.uploadId);
    const expectedMd5 = input.contentMd5 === undefined ? undefined : decodeMd5(input.contentMd5);
    const body = await this.d.files.writeChecked(input.body, input.contentLength, expectedMd5, MAX_PART_SIZE);
    return this.commitPart(input, body);
  }

  async uploadPartCopy(input: UploadPartCopyInput): Promise<PartInfo> {
    this.d.buckets.require(input.bucket);
    requireUpload(this.d.st, input.bucket, input.key, input.uploadId);
    const size = input.range ? input.range.end - input.range.start + 1 : input.source.size;
    if (size > MAX_PART_SIZE)
      throw new OssError('EntityTooLarge', `A part is at most ${MAX_PART_SIZE} bytes.`);
    const body = await this.d.files.writeTemp(
      this.d.readObject(input.source, input.range),
      size,
      MAX_PART_SIZE,
    );
    return this.commitPart(input, body);
  }

  /** Places the fsynced part file and records it; the part it replaces (same number) is removed after. */
  private async commitPart(
    input: { bucket: string; key: string; uploadId: string; partNumber: number },
    body: WrittenBody,
  ): Promise<PartInfo> {
    const file = body.tmp === null ? null : await this.d.files.place(body.tmp);
    const now = this.d.clock.now();
    const etag = body.md5.toString('hex').toUpperCase();
    let old: { file: string | null } | undefined;
    try {
      old = this.d.db
        .transaction(() => {
          // Checked again in the write transaction: the upload may have been completed or aborted meanwhile.
          requireUpload(this.d.st, input.bucket, input.key, input.uploadId);
          const prev = this.d.st.getPartFile.get(input.uploadId, input.partNumber) as
            { file: string | null } | undefined;
          this.d.st.upsertPart.run(input.uploadId, input.partNumber, body.size, etag, now, file);
          return prev;
        })
        .immediate();
    } catch (e) {
      await this.d.files.remove(file);
      throw e;
    }
    if (old && old.file !== file) await this.d.files.remove(old.file);
    return { partNumber: input.partNumber, size: body.size, etag, lastModified: now };
  }

  async abort(bucket: string, key: string, uploadId: string): Promise<void> {
    this.d.buckets.require(bucket);
    const files = this.d.db
      .transaction(() => {
        requireUpload(this.d.st, bucket, key, uploadId);
        const parts = this.d.st.allParts.all(uploadId) as PartRow[];
        this.d.st.deleteParts.run(uploadId);
        this.d.st.deleteUpload.run(uploadId);
        return parts.map((p) => p.file);
      })
      .immediate();
    for (const file of files) await this.d.files.remove(file);
  }

  listParts(input: ListPartsInput): ListPartsPage {
    this.d.buckets.require(input.bucket);
    const upload = requireUpload(this.d.st, input.bucket, input.key, input.uploadId);
    const max = Math.max(1, Math.min(1000, Math.floor(input.maxParts)));
    const rows = this.d.st.listParts.all(input.uploadId, input.after, max + 1) as PartRow[];
    return {
      upload: uploadInfo(upload),
      parts: rows.slice(0, max).map(partInfo),
      isTruncated: rows.length > max,
    };
  }
}
