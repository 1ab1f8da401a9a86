import type { SqliteDb } from '../../db/sqlite/open.js';
import type { Clock } from '../../protocol/clock.js';
import { randomHex } from '../../protocol/ids.js';
import { OssError, noSuchKey } from '../../protocol/oss-error.js';
import type { CopyObjectInput, PutObjectInput } from '../object-store.js';
import type { ObjectMeta } from '../types.js';
import type { BlobFiles } from './blob-files.js';
import type { BucketOps } from './bucket-ops.js';
import { checkKey, decodeMd5 } from './object-input.js';
import type { NewObject } from './object-input.js';
import { isReadable } from './restore.js';
import type { ObjectRow } from './rows.js';
import { encodeRecord, rowToMeta } from './rows.js';
import type { Statements } from './statements.js';
import { encodeTags, validateTags } from './tags.js';
import type { Versions } from './versions.js';
import type { VersionedOps } from './versioned-ops.js';

export interface ObjectWritesDeps {
  readonly db: SqliteDb;
  readonly st: Statements;
  readonly files: BlobFiles;
  readonly buckets: BucketOps;
  readonly versions: Versions;
  readonly versioned: VersionedOps;
  readonly clock: Clock;
  /** The store's row decoder, which also remembers the file behind the meta it hands out. */
  toMeta(row: ObjectRow): ObjectMeta;
}

/**
 * Writing a whole object on the built-in store: PutObject and CopyObject receive or copy the bytes, then
 * commit writes the row and removes the files the write made garbage. Multipart completion and the other
 * write paths of BuiltinExtras commit through the same `commit`.
 */
export class ObjectWrites {
  constructor(private readonly d: ObjectWritesDeps) {}

  async put(input: PutObjectInput): Promise<ObjectMeta> {
    this.d.buckets.require(input.bucket);
    checkKey(input.key);
    if (input.tags) validateTags(input.tags);
    const expectedMd5 = input.contentMd5 === undefined ? undefined : decodeMd5(input.contentMd5);
    const body = await this.d.files.writeChecked(input.body, input.contentLength, expectedMd5);
    const file = body.tmp === null ? null : await this.d.files.place(body.tmp);
    return this.commit({
      bucket: input.bucket,
      key: input.key,
      size: body.size,
      etag: body.md5.toString('hex').toUpperCase(),
      contentType: input.contentType ?? 'application/octet-stream',
      storageClass: input.storageClass ?? this.d.buckets.require(input.bucket).storageClass,
      acl: input.acl ?? 'default',
      userMeta: input.userMeta ?? {},
      httpHeaders: input.httpHeaders ?? {},
      tags: input.tags ?? [],
      file,
      forbidOverwrite: input.forbidOverwrite,
    });
  }

  async copy(input: CopyObjectInput): Promise<ObjectMeta> {
    this.d.buckets.require(input.sourceBucket);
    const dest = this.d.buckets.require(input.bucket);
    checkKey(input.key);
    const row =
      input.sourceVersionId === undefined
        ? (this.d.st.getObject.get(input.sourceBucket, input.sourceKey) as ObjectRow | undefined)
        : this.d.versioned.sourceRow(input.sourceBucket, input.sourceKey, input.sourceVersionId);
    if (!row) throw noSuchKey(input.sourceKey);
    const src = rowToMeta(row);
    if (!isReadable(src, this.d.clock.now())) {
      throw new OssError(
        'InvalidObjectState',
        'The source object is an archive object that is not restored.',
      );
    }
    const replace = input.metadataDirective === 'REPLACE';
    const tags = input.taggingDirective === 'REPLACE' ? (input.tags ?? []) : src.tags;
    validateTags(tags);
    const tmp = row.file === null ? null : await this.d.files.copyToTemp(row.file, row.size);
    const file = tmp === null ? null : await this.d.files.place(tmp);
    return this.commit({
      bucket: input.bucket,
      key: input.key,
      size: src.size,
      etag: src.etag,
      contentType: replace ? (input.contentType ?? 'application/octet-stream') : src.contentType,
      storageClass: input.storageClass ?? (replace ? dest.storageClass : src.storageClass),
      acl: input.acl ?? 'default',
      userMeta: replace ? (input.userMeta ?? {}) : { ...src.userMeta },
      httpHeaders: replace ? (input.httpHeaders ?? {}) : { ...src.httpHeaders },
      tags,
      file,
      forbidOverwrite: input.forbidOverwrite,
    });
  }

  /**
   * Writes the row, then removes the files nothing references any more after the commit: the replaced
   * version's in an unversioned bucket; in a versioned one the old current version is kept beside the
   * new one (versions.ts), so only a replaced null version's file goes (Suspended).
   */
  async commit(o: NewObject): Promise<ObjectMeta> {
    const now = this.d.clock.now();
    let garbage: (string | null)[];
    try {
      garbage = this.d.db
        .transaction(() => {
          const prev = this.d.st.getFile.get(o.bucket, o.key) as { file: string | null } | undefined;
          const bucket = this.d.buckets.require(o.bucket);
          // Checked inside the write transaction: a check before the body streamed would let two
          // concurrent forbid-overwrite PUTs of a new key both succeed.
          // OSS ignores x-oss-forbid-overwrite once a bucket has versioning: a write never destroys data there.
          if (prev && o.forbidOverwrite && bucket.versioning === undefined)
            throw new OssError('FileAlreadyExists', undefined, { details: { Key: o.key } });
          const plan =
            bucket.versioning === undefined
              ? { versionId: randomHex(16), garbage: prev ? [prev.file] : [] }
              : this.d.versions.beforeWrite(o.bucket, o.key, bucket.versioning);
          this.d.st.upsertObject.run(
            o.bucket,
            o.key,
            plan.versionId,
            o.size,
            o.etag,
            o.contentType,
            now,
            o.storageClass,
            o.acl,
            encodeRecord(o.userMeta),
            encodeRecord(o.httpHeaders),
            encodeTags(o.tags),
            o.file,
          );
          o.inCommit?.();
          return plan.garbage;
        })
        .immediate();
    } catch (e) {
      await this.d.files.remove(o.file);
      throw e;
    }
    for (const file of garbage) if (file !== o.file) await this.d.files.remove(file);
    const row = this.d.st.getObject.get(o.bucket, o.key) as ObjectRow;
    return this.d.toMeta(row);
  }
}
