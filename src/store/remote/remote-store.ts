import { PassThrough, pipeline, type Readable } from 'node:stream';
import pLimit, { type LimitFunction } from 'p-limit';
import { OssError, noSuchBucket } from '../../protocol/oss-error.js';
import type { Clock } from '../../protocol/clock.js';
import { validateTags } from '../builtin/tags.js';
import type {
  ChangeResult,
  CopyObjectInput,
  ListObjectsInput,
  ListObjectsPage,
  ObjectChange,
  ObjectStore,
  PutObjectInput,
  SeedObject,
} from '../object-store.js';
import type {
  BucketAcl,
  BucketInfo,
  ObjectAcl,
  ObjectMeta,
  RestoreTier,
  StorageClass,
  Tag,
} from '../types.js';
import type { BucketCatalog } from './bucket-catalog.js';
import { RemoteBuckets } from './remote-buckets.js';
import { RemoteChanges } from './remote-changes.js';
import type { RemoteDriver } from './remote-driver.js';
import { listRemote } from './remote-listing.js';
import { RemotePassthrough } from './remote-passthrough.js';
import { headToMeta } from './remote-meta.js';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry.js';
import { RemoteUploads } from './remote-uploads.js';

export interface RemoteStoreOptions {
  readonly driver: RemoteDriver;
  readonly catalog: BucketCatalog;
  readonly clock: Clock;
  readonly region: string;
  /** Where request bodies are spooled before upload (replayable on retry). */
  readonly tmpDir: string;
  /** Remote calls in flight at once, for the whole process (default 64). */
  readonly concurrency?: number;
  readonly retry?: RetryPolicy;
  readonly rootAccountId: () => Promise<string>;
  /** Bodies above this size go up in parts (default 32 MiB). */
  readonly multipartThreshold?: number;
  /** Part size of a multipart upload (default 8 MiB; S3 needs ≥ 5 MiB, OSS ≥ 100 KiB). */
  readonly partSize?: number;
}

/** Default remote calls in flight per process (issue 8: "default 64 in flight"). */
export const DEFAULT_STORE_CONCURRENCY = 64;

/**
 * The ObjectStore port over a remote S3 or OSS store (the RemoteDriver is the wire). Every remote call runs
 * under ONE limiter (`concurrency` in flight for the process) and the retry policy (backoff with full jitter
 * on the adapter's retryable errors). A call holds its slot while it backs off, so a throttling store slows
 * the callers instead of being hammered; a read holds its slot only until the response headers arrive, so
 * slow downloaders cannot starve the batch engine.
 */
export class RemoteStore extends RemotePassthrough implements ObjectStore {
  /** A remote listing carries no tags or ACL (remote-meta.ts summaryToMeta). */
  readonly listingDetail = 'summary';
  private readonly driver: RemoteDriver;
  private readonly limit: LimitFunction;
  private readonly buckets: RemoteBuckets;
  private readonly changes: RemoteChanges;
  private readonly uploads: RemoteUploads;

  constructor(private readonly opts: RemoteStoreOptions) {
    super(opts);
    this.driver = opts.driver;
    this.limit = pLimit(opts.concurrency ?? DEFAULT_STORE_CONCURRENCY);
    const call = <T>(fn: () => Promise<T>): Promise<T> => this.call(fn);
    this.buckets = new RemoteBuckets({ ...opts, call });
    this.changes = new RemoteChanges(opts.driver, call);
    this.uploads = new RemoteUploads({ ...opts, call, requireBucket: (b) => this.buckets.require(b) });
  }

  /** One remote call: waits for a slot, then tries with backoff while the failure is retryable. */
  call<T>(fn: () => Promise<T>): Promise<T> {
    return this.limit(() => withRetry(fn, this.opts.retry ?? DEFAULT_RETRY));
  }

  /** Calls waiting for a slot or in flight (for metrics and tests). */
  get pending(): number {
    return this.limit.activeCount + this.limit.pendingCount;
  }

  protected requireBucket(name: string): Promise<BucketInfo> {
    return this.buckets.require(name);
  }

  // ---- buckets (catalog + remote)
  createBucket(input: { name: string; owner: string; acl: BucketAcl; storageClass: StorageClass }) {
    return this.buckets.create(input);
  }
  async getBucket(name: string): Promise<BucketInfo | undefined> {
    return this.withVersioning(await this.buckets.get(name));
  }
  listBuckets(owner: string): Promise<BucketInfo[]> {
    return this.buckets.list(owner);
  }
  setBucketAcl(name: string, acl: BucketAcl): Promise<void> {
    return this.buckets.setAcl(name, acl);
  }
  setBucketPolicy(name: string, policy: string | null): Promise<void> {
    return this.buckets.setPolicy(name, policy);
  }
  deleteBucket(name: string): Promise<void> {
    return this.buckets.delete(name);
  }

  // ---- objects
  async putObject(input: PutObjectInput): Promise<ObjectMeta> {
    await this.uploads.upload(input);
    return this.mustHead(input.bucket, input.key);
  }

  async headObject(bucket: string, key: string): Promise<ObjectMeta | undefined> {
    const [head, tags, acl] = await Promise.all([
      this.call(() => this.driver.headObject(bucket, key)),
      this.call(() => this.driver.getTags(bucket, key)).catch(missingAs(undefined, [])),
      this.call(() => this.driver.getAcl(bucket, key)).catch(missingAs(undefined, 'default' as const)),
    ]);
    if (head === undefined || tags === undefined || acl === undefined) {
      // A HEAD 404 has no body to tell NoSuchKey from NoSuchBucket: the catalog does.
      if ((await this.buckets.get(bucket)) === undefined) throw noSuchBucket(bucket);
      return undefined;
    }
    return headToMeta(bucket, key, head, tags, acl);
  }

  private async mustHead(bucket: string, key: string): Promise<ObjectMeta> {
    const meta = await this.headObject(bucket, key);
    if (meta === undefined) throw new OssError('NoSuchKey', `${key} vanished right after it was written.`);
    return meta;
  }

  readObject(meta: ObjectMeta, range?: { start: number; end: number }): Readable {
    const out = new PassThrough();
    if (range !== undefined && range.end < range.start) {
      out.end();
      return out;
    }
    this.versionToRead(meta)
      .then((version) => this.call(() => this.driver.getObject(meta.bucket, meta.key, range, version)))
      .then(
        (body) => pipeline(body, out, () => undefined),
        (err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))),
      );
    return out;
  }

  async copyObject(input: CopyObjectInput): Promise<ObjectMeta> {
    await this.uploads.copy(input, () => this.copySourceMeta(input));
    return this.mustHead(input.bucket, input.key);
  }

  listObjects(input: ListObjectsInput): Promise<ListObjectsPage> {
    return listRemote(
      input,
      (q) => this.call(() => this.driver.listObjects(q)),
      (b) => this.buckets.require(b),
    );
  }

  // ---- single-object metadata changes
  async putObjectTags(bucket: string, key: string, tags: readonly Tag[], versionId?: string): Promise<void> {
    validateTags(tags);
    await this.call(() => this.driver.putTags(bucket, key, tags, versionId));
  }
  async deleteObjectTags(bucket: string, key: string, versionId?: string): Promise<void> {
    await this.call(() => this.driver.deleteTags(bucket, key, versionId));
  }
  async putObjectAcl(bucket: string, key: string, acl: ObjectAcl, versionId?: string): Promise<void> {
    await this.call(() => this.driver.putAcl(bucket, key, acl, versionId));
  }
  async restoreObject(
    bucket: string,
    key: string,
    days: number,
    tier: RestoreTier | undefined,
    versionId?: string,
  ): Promise<'accepted' | 'extended'> {
    return this.changes.restore(bucket, key, days, tier, versionId);
  }

  /**
   * Each change is its own remote call(s), queued on the process-wide limiter, so at most `concurrency` are
   * in flight however many batches the engine runs; results come back in input order. Different objects run
   * concurrently; the changes to one object one after another, in the batch's order, as the built-in store's
   * one transaction applies them. A remote addTags is a read then a write: two at once on one object both read the old set and the
   * later write dropped the other's tags (contract test "applies the changes to one object in the order").
   */
  async applyBatch(changes: readonly ObjectChange[]): Promise<ChangeResult[]> {
    const results = new Array<ChangeResult>(changes.length);
    // Bucket names hold no '/', so bucket + '/' + key names one object (all its versions: conservative).
    const lastOfObject = new Map<string, Promise<void>>();
    const runs = changes.map((c, i) => {
      const object = `${c.bucket}/${c.key}`;
      const run = (lastOfObject.get(object) ?? Promise.resolve()).then(async () => {
        results[i] = await this.changes.apply(c);
      });
      lastOfObject.set(object, run);
      return run;
    });
    await Promise.all(runs);
    return results;
  }

  seedObjects(bucket: string, objects: readonly SeedObject[]): Promise<void> {
    return this.uploads.seed(bucket, objects);
  }

  async close(): Promise<void> {
    await this.driver.close();
  }
}

/**
 * Turns a NoSuchKey (the object went away between calls) into `missing`, and a store without the call
 * (OperationNotSupported: no object tagging or ACLs there) into `unsupported`, so reads still work.
 */
function missingAs<T, U>(missing: T, unsupported: U): (e: unknown) => T | U {
  return (e: unknown) => {
    if (e instanceof OssError && (e.code === 'NoSuchKey' || e.code === 'NoSuchBucket')) return missing;
    if (e instanceof OssError && e.code === 'OperationNotSupported') return unsupported;
    throw e;
  };
}
