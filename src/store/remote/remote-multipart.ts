import { OssError } from '../../protocol/oss-error.js';
import type { Clock } from '../../protocol/clock.js';
import { checkKey } from '../builtin/object-input.js';
import { validateTags } from '../builtin/tags.js';
import type {
  CompleteUploadInput,
  InitiateUploadInput,
  ListPartsInput,
  ListPartsPage,
  ListUploadsInput,
  ListUploadsPage,
  PartInfo,
  UploadInfo,
  UploadPartCopyInput,
  UploadPartInput,
} from '../multipart-store.js';
import { MAX_PART_SIZE } from '../multipart-store.js';
import type { BucketInfo, ObjectMeta } from '../types.js';
import type { RemoteDriver } from './remote-driver.js';
import { spoolBody } from './spool.js';

export interface RemoteMultipartDeps {
  readonly driver: RemoteDriver;
  readonly clock: Clock;
  readonly tmpDir: string;
  /** Runs one remote call under the store's limiter and retry policy. */
  readonly call: <T>(fn: () => Promise<T>) => Promise<T>;
  readonly requireBucket: (name: string) => Promise<BucketInfo>;
  readonly headObject: (bucket: string, key: string) => Promise<ObjectMeta | undefined>;
}

/** ListParts pages Complete walks for `x-oss-complete-all` (10,000 parts at most: 10 pages). */
const PARTS_PAGE = 1000;

/**
 * Multipart uploads passed through to the remote store (issue 8 §2). The store's upload ids go to the client
 * unchanged (passthrough-driver.ts says why); the store checks part order, ETags and sizes at Complete and
 * answers InvalidPart / InvalidPartOrder / EntityTooSmall / NoSuchUpload itself. Part bodies are spooled and
 * checked (Content-MD5, Content-Length, 5 GB) before they leave, as PutObject bodies are, so a retry resends
 * the same bytes.
 */
export class RemoteMultipart {
  constructor(private readonly d: RemoteMultipartDeps) {}

  async initiateUpload(input: InitiateUploadInput): Promise<UploadInfo> {
    checkKey(input.key);
    if (input.tags) validateTags(input.tags);
    await this.d.requireBucket(input.bucket);
    const uploadId = await this.d.call(() => this.d.driver.passthrough.initiateUpload(input));
    return {
      bucket: input.bucket,
      key: input.key,
      uploadId,
      initiated: this.d.clock.now(),
      storageClass: input.storageClass ?? 'Standard',
    };
  }

  async uploadPart(input: UploadPartInput): Promise<PartInfo> {
    const body = await spoolBody(input.body, this.d.tmpDir, input);
    try {
      if (body.size > MAX_PART_SIZE)
        throw new OssError('EntityTooLarge', `A part is at most ${MAX_PART_SIZE} bytes.`);
      const etag = await this.d.call(() =>
        this.d.driver.passthrough.uploadPart(input.bucket, input.key, input.uploadId, input.partNumber, body),
      );
      return { partNumber: input.partNumber, size: body.size, etag, lastModified: this.d.clock.now() };
    } finally {
      await body.dispose();
    }
  }

  async uploadPartCopy(input: UploadPartCopyInput): Promise<PartInfo> {
    const src = input.source;
    const out = await this.d.call(() =>
      this.d.driver.passthrough.uploadPartCopy({
        bucket: input.bucket,
        key: input.key,
        uploadId: input.uploadId,
        partNumber: input.partNumber,
        sourceBucket: src.bucket,
        sourceKey: src.key,
        // The exact version read by the front's checks (preconditions, archive state), not a newer one.
        sourceVersionId: src.versionId === 'null' ? undefined : src.versionId,
        range: input.range,
      }),
    );
    const size = input.range === undefined ? src.size : input.range.end - input.range.start + 1;
    return {
      partNumber: input.partNumber,
      size,
      etag: out.etag,
      lastModified: out.lastModified || this.d.clock.now(),
    };
  }

  async completeUpload(input: CompleteUploadInput): Promise<ObjectMeta> {
    const parts = input.parts === 'all' ? await this.allParts(input) : input.parts;
    const forbid = input.forbidOverwrite === true;
    if (forbid && !this.d.driver.atomicForbidOverwrite && (await this.d.headObject(input.bucket, input.key)))
      throw new OssError('FileAlreadyExists', undefined, { details: { Key: input.key } });
    let attempts = 0;
    try {
      await this.d.call(() => {
        attempts += 1;
        return this.d.driver.passthrough.completeUpload({
          bucket: input.bucket,
          key: input.key,
          uploadId: input.uploadId,
          parts,
          forbidOverwrite: forbid,
          acl: input.acl,
        });
      });
    } catch (e) {
      // A retry after a Complete that landed but whose answer was lost finds the upload gone: an object with
      // this many parts is the proof that the first attempt completed it.
      if (!(attempts > 1 && e instanceof OssError && e.code === 'NoSuchUpload')) throw e;
      const now = await this.d.headObject(input.bucket, input.key);
      if (now === undefined || !now.etag.endsWith(`-${parts.length}`)) throw e;
    }
    const meta = await this.d.headObject(input.bucket, input.key);
    if (meta === undefined)
      throw new OssError('NoSuchKey', `${input.key} vanished right after its upload completed.`);
    return meta;
  }

  /** x-oss-complete-all: every uploaded part in part-number order, read from the store's ListParts. */
  private async allParts(input: CompleteUploadInput): Promise<{ partNumber: number; etag: string }[]> {
    const out: { partNumber: number; etag: string }[] = [];
    let after = 0;
    for (;;) {
      const page = await this.listParts({ ...input, after, maxParts: PARTS_PAGE });
      out.push(...page.parts.map((p) => ({ partNumber: p.partNumber, etag: p.etag })));
      const last = page.parts[page.parts.length - 1];
      if (!page.isTruncated || last === undefined) return out;
      after = last.partNumber;
    }
  }

  async abortUpload(bucket: string, key: string, uploadId: string): Promise<void> {
    await this.d.call(() => this.d.driver.passthrough.abortUpload(bucket, key, uploadId));
  }

  async listParts(input: ListPartsInput): Promise<ListPartsPage> {
    const page = await this.d.call(() =>
      this.d.driver.passthrough.listParts(
        input.bucket,
        input.key,
        input.uploadId,
        input.after,
        input.maxParts,
      ),
    );
    return {
      // ListParts carries no initiation time (neither OSS nor S3 answers one); nothing renders it.
      upload: {
        bucket: input.bucket,
        key: input.key,
        uploadId: input.uploadId,
        initiated: 0,
        storageClass: page.storageClass,
      },
      parts: page.parts,
      isTruncated: page.isTruncated,
    };
  }

  async listUploads(input: ListUploadsInput): Promise<ListUploadsPage> {
    await this.d.requireBucket(input.bucket);
    const page = await this.d.call(() => this.d.driver.passthrough.listUploads(input));
    return {
      uploads: page.uploads.map((u) => ({ bucket: input.bucket, ...u })),
      commonPrefixes: page.commonPrefixes,
      isTruncated: page.isTruncated,
      ...(page.nextKeyMarker === undefined ? {} : { nextKeyMarker: page.nextKeyMarker }),
      ...(page.nextUploadIdMarker === undefined ? {} : { nextUploadIdMarker: page.nextUploadIdMarker }),
    };
  }
}
