import { OssError } from '../../protocol/oss-error.js';
import type { Clock } from '../../protocol/clock.js';
import type { CopyObjectInput } from '../object-store.js';
import type { BucketStat } from '../bucket-config-store.js';
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
import type { BucketInfo, ObjectMeta, VersioningStatus } from '../types.js';
import type { DeleteOutcome, ListVersionsInput, ListVersionsPage, VersionLookup } from '../versioning.js';
import type { BucketCatalog } from './bucket-catalog.js';
import { RemoteBucketConfig } from './remote-bucket-config.js';
import type { RemoteDriver } from './remote-driver.js';
import { RemoteMultipart } from './remote-multipart.js';
import { RemoteVersions } from './remote-versions.js';

export interface RemotePassthroughOptions {
  /** ossbatch's bucket catalog in the Backend (owner, ACL, policy, tags, CORS, inventories). */
  readonly catalog: BucketCatalog;
  readonly driver: RemoteDriver;
  readonly clock: Clock;
  /** Where part bodies are spooled before upload (replayable on retry). */
  readonly tmpDir: string;
}

/**
 * The half of the ObjectStore port that the remote store itself serves (issue 8 §2): multipart uploads,
 * versioning and GetBucketStat, each call under RemoteStore's limiter and retry policy (`call`).
 * ossbatch's RAM, bucket policies and ACLs stay in front: the HTTP layer authorises before any of these runs.
 */
export abstract class RemotePassthrough extends RemoteBucketConfig {
  private readonly multipart: RemoteMultipart;
  private readonly versions: RemoteVersions;

  constructor(opts: RemotePassthroughOptions) {
    super(opts.catalog);
    const deps = {
      driver: opts.driver,
      clock: opts.clock,
      tmpDir: opts.tmpDir,
      call: <T>(fn: () => Promise<T>): Promise<T> => this.call(fn),
      requireBucket: (name: string) => this.requireBucket(name),
      headObject: (bucket: string, key: string) => this.headObject(bucket, key),
    };
    this.multipart = new RemoteMultipart(deps);
    this.versions = new RemoteVersions(deps);
  }

  abstract headObject(bucket: string, key: string): Promise<ObjectMeta | undefined>;

  /** One remote call: a limiter slot, then tries with backoff while the failure is retryable. */
  abstract call<T>(fn: () => Promise<T>): Promise<T>;

  /** The bucket with its versioning status as the store reports it (remote-versions.ts: cached 5 s). */
  protected async withVersioning(info: BucketInfo | undefined): Promise<BucketInfo | undefined> {
    if (info === undefined) return undefined;
    const versioning = await this.versions.versioningOf(info.name);
    return versioning === undefined ? info : { ...info, versioning };
  }

  /**
   * The version id a GET of `meta` names: its own; for the null version, `null` only in a bucket that has
   * versioning (there a newer version may be current), nothing otherwise (stores without versioning, such as
   * s3rver, refuse the parameter).
   */
  protected async versionToRead(meta: ObjectMeta): Promise<string | undefined> {
    if (meta.versionId !== 'null') return meta.versionId;
    return (await this.versions.versioningOf(meta.bucket)) === undefined ? undefined : 'null';
  }

  /** CopyObject's source: the version `x-oss-copy-source` names (`?versionId=`), else the current one. */
  protected async copySourceMeta(input: CopyObjectInput): Promise<ObjectMeta> {
    const v = input.sourceVersionId;
    let meta: ObjectMeta | undefined;
    if (v === undefined) meta = await this.headObject(input.sourceBucket, input.sourceKey);
    else {
      const found = await this.versions.headVersion(input.sourceBucket, input.sourceKey, v);
      meta = found.kind === 'object' ? found.meta : undefined;
    }
    if (meta === undefined) throw new OssError('NoSuchKey', undefined, { details: { Key: input.sourceKey } });
    return meta;
  }

  // ---- versioning
  setBucketVersioning(name: string, status: VersioningStatus): Promise<void> {
    return this.versions.setBucketVersioning(name, status);
  }
  headVersion(bucket: string, key: string, versionId: string | undefined): Promise<VersionLookup> {
    return this.versions.headVersion(bucket, key, versionId);
  }
  deleteVersion(bucket: string, key: string, versionId: string | undefined): Promise<DeleteOutcome> {
    return this.versions.deleteVersion(bucket, key, versionId);
  }
  listObjectVersions(input: ListVersionsInput): Promise<ListVersionsPage> {
    return this.versions.listObjectVersions(input);
  }
  getBucketStat(bucket: string): Promise<BucketStat> {
    return this.versions.getBucketStat(bucket);
  }

  // ---- multipart uploads
  initiateUpload(input: InitiateUploadInput): Promise<UploadInfo> {
    return this.multipart.initiateUpload(input);
  }
  uploadPart(input: UploadPartInput): Promise<PartInfo> {
    return this.multipart.uploadPart(input);
  }
  uploadPartCopy(input: UploadPartCopyInput): Promise<PartInfo> {
    return this.multipart.uploadPartCopy(input);
  }
  completeUpload(input: CompleteUploadInput): Promise<ObjectMeta> {
    return this.multipart.completeUpload(input);
  }
  abortUpload(bucket: string, key: string, uploadId: string): Promise<void> {
    return this.multipart.abortUpload(bucket, key, uploadId);
  }
  listParts(input: ListPartsInput): Promise<ListPartsPage> {
    return this.multipart.listParts(input);
  }
  listUploads(input: ListUploadsInput): Promise<ListUploadsPage> {
    return this.multipart.listUploads(input);
  }
}
