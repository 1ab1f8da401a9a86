import { OssError } from '../../protocol/oss-error.js';
import type { Clock } from '../../protocol/clock.js';
import type { BucketStat } from '../bucket-config-store.js';
import type { BucketInfo, ObjectAcl, Tag, VersioningStatus } from '../types.js';
import type { DeleteOutcome, ListVersionsInput, ListVersionsPage, VersionLookup } from '../versioning.js';
import type { RemoteDriver } from './remote-driver.js';
import { headToMeta, summaryToMeta } from './remote-meta.js';

export interface RemoteVersionsDeps {
  readonly driver: RemoteDriver;
  readonly clock: Clock;
  readonly call: <T>(fn: () => Promise<T>) => Promise<T>;
  readonly requireBucket: (name: string) => Promise<BucketInfo>;
}

/**
 * How long a bucket's versioning status read from the store is trusted (ms). getBucket runs for every API
 * request past the HTTP layer's 1 s bucket cache and for every batch of the engine: one GetBucketVersioning
 * per bucket per 5 s per node keeps that off the store, and a change made through this node shows at once
 * (the entry is replaced). A change made on the store directly, or through another node, shows within 5 s.
 */
export const VERSIONING_TTL_MS = 5000;

/** Object tagging or ACLs the store lacks read as none (as RemoteStore.headObject does). */
const lacking =
  <T>(fallback: T) =>
  (e: unknown): T => {
    if (e instanceof OssError && e.code === 'OperationNotSupported') return fallback;
    throw e;
  };

/**
 * Versioning passed through to the remote store (issue 8 §2): the store keeps versions and delete markers,
 * its version ids reach the client unchanged, and a batch change naming a version acts on that version
 * (RemoteChanges sends the id with every call).
 */
export class RemoteVersions {
  private readonly status = new Map<string, { value: VersioningStatus | undefined; until: number }>();

  constructor(private readonly d: RemoteVersionsDeps) {}

  /** The bucket's versioning status (cached, VERSIONING_TTL_MS); undefined when never enabled. */
  async versioningOf(bucket: string): Promise<VersioningStatus | undefined> {
    const now = performance.now();
    const hit = this.status.get(bucket);
    if (hit !== undefined && hit.until > now) return hit.value;
    let value: VersioningStatus | undefined;
    try {
      value = await this.d.call(() => this.d.driver.passthrough.getBucketVersioning(bucket));
    } catch {
      // A store without versioning (501), or credentials without the permission: unversioned, as the bucket
      // reads everywhere else. Remembered for the TTL so a failing call is not repeated per request.
      value = hit?.value;
    }
    if (this.status.size > 10_000) this.status.clear();
    this.status.set(bucket, { value, until: now + VERSIONING_TTL_MS });
    return value;
  }

  async setBucketVersioning(bucket: string, status: VersioningStatus): Promise<void> {
    await this.d.requireBucket(bucket);
    await this.d.call(() => this.d.driver.passthrough.putBucketVersioning(bucket, status));
    this.status.set(bucket, { value: status, until: performance.now() + VERSIONING_TTL_MS });
  }

  /**
   * One version (the current one without versionId). A miss is told apart with HEADs only, because a HEAD
   * 404 has no body: a delete marker shows in its headers; otherwise, when a versionId was named, the key
   * has versions exactly when its current HEAD finds an object or a marker (the stores keep noncurrent
   * versions only under a current version or marker).
   */
  async headVersion(bucket: string, key: string, versionId: string | undefined): Promise<VersionLookup> {
    const drv = this.d.driver;
    const [head, tags, acl, current] = await Promise.all([
      this.d.call(() => drv.headObject(bucket, key, versionId)),
      this.d.call(() => drv.getTags(bucket, key, versionId)).catch(lacking<Tag[] | undefined>([])),
      this.d.call(() => drv.getAcl(bucket, key, versionId)).catch(lacking<ObjectAcl | undefined>('default')),
      versionId === undefined ? undefined : this.d.call(() => drv.headObject(bucket, key)),
    ]).catch((e: unknown) => {
      // The tagging or ACL read of a missing version fails, and S3 answers a HEAD of a delete marker named
      // by its id with 405: the marker HEAD below decides.
      if (e instanceof OssError && (['NoSuchKey', 'NoSuchVersion'].includes(e.code) || e.status === 405))
        return [undefined, undefined, undefined, undefined] as const;
      throw e;
    });
    if (head !== undefined && tags !== undefined && acl !== undefined) {
      const meta = headToMeta(bucket, key, head, tags, acl);
      return {
        kind: 'object',
        meta,
        isLatest: versionId === undefined || current?.versionId === head.versionId,
      };
    }
    const marker = await this.d.call(() => drv.passthrough.headDeleteMarker(bucket, key, versionId));
    if (marker !== undefined) {
      const latest =
        versionId === undefined
          ? marker
          : await this.d.call(() => drv.passthrough.headDeleteMarker(bucket, key, undefined));
      return { kind: 'delete-marker', ...marker, isLatest: latest?.versionId === marker.versionId };
    }
    if (versionId === undefined) {
      await this.d.requireBucket(bucket);
      return { kind: 'no-such-key' };
    }
    const hasCurrent =
      (current ?? (await this.d.call(() => drv.headObject(bucket, key)))) !== undefined ||
      (await this.d.call(() => drv.passthrough.headDeleteMarker(bucket, key, undefined))) !== undefined;
    return hasCurrent ? { kind: 'no-such-version' } : { kind: 'no-such-key' };
  }

  /** DeleteObject: a delete marker, or one version removed, as the store decides from its versioning. */
  async deleteVersion(bucket: string, key: string, versionId: string | undefined): Promise<DeleteOutcome> {
    const out = await this.d.call(() => this.d.driver.passthrough.deleteVersion(bucket, key, versionId));
    return { versionId: out.versionId, deleteMarker: out.deleteMarker };
  }

  async listObjectVersions(input: ListVersionsInput): Promise<ListVersionsPage> {
    await this.d.requireBucket(input.bucket);
    const page = await this.d.call(() =>
      this.d.driver.passthrough.listObjectVersions({
        bucket: input.bucket,
        prefix: input.prefix,
        delimiter: input.delimiter,
        keyMarker: input.keyMarker,
        versionIdMarker: input.versionIdMarker,
        maxKeys: input.maxKeys,
      }),
    );
    return {
      entries: page.entries.map((e) =>
        e.kind === 'delete-marker'
          ? e
          : {
              kind: 'version',
              // A listing carries no tags, ACL or user metadata (as ListObjects: remote-meta.ts).
              meta: { ...summaryToMeta(input.bucket, e), versionId: e.versionId },
              isLatest: e.isLatest,
            },
      ),
      commonPrefixes: page.commonPrefixes,
      isTruncated: page.isTruncated,
      ...(page.nextKeyMarker === undefined ? {} : { nextKeyMarker: page.nextKeyMarker }),
      ...(page.nextVersionIdMarker === undefined ? {} : { nextVersionIdMarker: page.nextVersionIdMarker }),
    };
  }

  /**
   * OSS answers GetBucketStat itself. S3 has no such call, and counting a bucket there means listing every
   * object (one ListObjects call per 1,000 objects: 10,000 calls for 10 million objects) behind one request,
   * so it answers OperationNotSupported instead (docs/operations.md).
   */
  async getBucketStat(bucket: string): Promise<BucketStat> {
    await this.d.requireBucket(bucket);
    const stat = await this.d.call(() => this.d.driver.passthrough.getBucketStat(bucket));
    if (stat === undefined) {
      throw new OssError(
        'OperationNotSupported',
        `GetBucketStat is not available over an ${this.d.driver.kind} store: it has no such call, and counting a bucket would mean listing every object (one call per 1,000). Use \`ossbatch ls\` or the store's own metrics.`,
      );
    }
    return stat;
  }
}
