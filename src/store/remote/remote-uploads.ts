import { Readable } from 'node:stream';
import { OssError } from '../../protocol/oss-error.js';
import type { Clock } from '../../protocol/clock.js';
import { checkKey } from '../builtin/object-input.js';
import { isReadable } from '../builtin/restore.js';
import { validateTags } from '../builtin/tags.js';
import type { CopyObjectInput, PutObjectInput, SeedObject } from '../object-store.js';
import type { BucketInfo, ObjectMeta } from '../types.js';
import type { RemoteDriver, RemotePut } from './remote-driver.js';
import { spoolBody } from './spool.js';

export interface RemoteUploadsDeps {
  readonly driver: RemoteDriver;
  readonly clock: Clock;
  /** Where request bodies are spooled before upload (replayable on retry). */
  readonly tmpDir: string;
  /** Bodies above this size go up in parts (default 32 MiB). */
  readonly multipartThreshold?: number;
  /** Part size of a multipart upload (default 8 MiB; S3 needs ≥ 5 MiB, OSS ≥ 100 KiB). */
  readonly partSize?: number;
  /** One remote call under RemoteStore's limiter and retry policy. */
  readonly call: <T>(fn: () => Promise<T>) => Promise<T>;
  readonly requireBucket: (name: string) => Promise<BucketInfo>;
}

/** The remote store's object writes: PutObject (spooled, multipart past a threshold), CopyObject, seeding. */
export class RemoteUploads {
  constructor(private readonly d: RemoteUploadsDeps) {}

  /** Checks, spools and uploads a body (multipart past the threshold); no HEAD afterwards. */
  async upload(input: PutObjectInput): Promise<void> {
    checkKey(input.key);
    if (input.tags) validateTags(input.tags);
    await this.d.requireBucket(input.bucket);
    const body = await spoolBody(input.body, this.d.tmpDir, input);
    try {
      const put: RemotePut = {
        bucket: input.bucket,
        key: input.key,
        body,
        contentType: input.contentType ?? 'application/octet-stream',
        storageClass: input.storageClass,
        acl: input.acl,
        userMeta: input.userMeta,
        httpHeaders: input.httpHeaders,
        tags: input.tags,
        forbidOverwrite: input.forbidOverwrite,
      };
      await this.refuseOverwrite(input.bucket, input.key, input.forbidOverwrite);
      if (body.size > (this.d.multipartThreshold ?? 32 * 1024 * 1024)) {
        await this.d.call(() => this.d.driver.putLarge(put, this.d.partSize ?? 8 * 1024 * 1024));
      } else {
        await this.d.call(() => this.d.driver.putObject(put));
      }
    } finally {
      await body.dispose();
    }
  }

  /** CopyObject on the store; `source` looks up the source's meta (after the destination key is checked). */
  async copy(input: CopyObjectInput, source: () => Promise<ObjectMeta>): Promise<void> {
    checkKey(input.key);
    if (input.tags) validateTags(input.tags);
    const src = await source();
    if (!isReadable(src, this.d.clock.now())) {
      throw new OssError(
        'InvalidObjectState',
        'The source object is an archive object that is not restored.',
      );
    }
    await this.d.requireBucket(input.bucket);
    await this.refuseOverwrite(input.bucket, input.key, input.forbidOverwrite);
    const replace = input.metadataDirective === 'REPLACE';
    await this.d.call(() =>
      this.d.driver.copyObject({
        sourceBucket: input.sourceBucket,
        sourceKey: input.sourceKey,
        sourceVersionId: input.sourceVersionId,
        bucket: input.bucket,
        key: input.key,
        replace: replace
          ? {
              contentType: input.contentType ?? 'application/octet-stream',
              userMeta: input.userMeta ?? {},
              httpHeaders: input.httpHeaders ?? {},
            }
          : undefined,
        storageClass: input.storageClass ?? (replace ? undefined : src.storageClass),
        tags: input.taggingDirective === 'REPLACE' ? (input.tags ?? []) : undefined,
        acl: input.acl,
        forbidOverwrite: input.forbidOverwrite,
      }),
    );
  }

  /** Real objects of `size` zero bytes (a remote store has no metadata-only objects). */
  async seed(bucket: string, objects: readonly SeedObject[]): Promise<void> {
    await this.d.requireBucket(bucket);
    await Promise.all(
      objects.map((o) =>
        this.upload({
          bucket,
          key: o.key,
          body: Readable.from([Buffer.alloc(o.size ?? 0)]),
          ...(o.storageClass === undefined ? {} : { storageClass: o.storageClass }),
          ...(o.tags === undefined ? {} : { tags: o.tags }),
        }),
      ),
    );
  }

  /**
   * x-oss-forbid-overwrite: OSS checks it atomically on the server; on S3 the adapter also sends
   * `If-None-Match: *`, but stores that ignore it (older MinIO, s3rver) are covered only by this HEAD
   * first, which is not atomic (docs/operations.md).
   */
  private async refuseOverwrite(bucket: string, key: string, forbid: boolean | undefined): Promise<void> {
    if (forbid !== true || this.d.driver.atomicForbidOverwrite) return;
    if ((await this.d.call(() => this.d.driver.headObject(bucket, key))) !== undefined) {
      throw new OssError('FileAlreadyExists');
    }
  }
}
