import { OssError, noSuchBucket } from '../../protocol/oss-error.js';
import type { Clock } from '../../protocol/clock.js';
import { validateBucketName } from '../builtin/bucket-ops.js';
import type { BucketAcl, BucketInfo, StorageClass } from '../types.js';
import type { BucketCatalog, CatalogBucket } from './bucket-catalog.js';
import type { RemoteDriver } from './remote-driver.js';

export interface RemoteBucketsDeps {
  readonly driver: RemoteDriver;
  readonly catalog: BucketCatalog;
  readonly clock: Clock;
  readonly region: string;
  /** Owner of buckets found in the remote store that ossbatch never created (the root account). */
  readonly rootAccountId: () => Promise<string>;
  /** Runs one remote call under the store's limiter and retry policy. */
  readonly call: <T>(fn: () => Promise<T>) => Promise<T>;
}

/**
 * Buckets of a remote store: the remote holds the bucket, ossbatch's catalog holds its meaning (owner, ACL,
 * policy). A bucket the remote has and the catalog does not is adopted on first sight, owned by the root
 * account, private.
 */
export class RemoteBuckets {
  constructor(private readonly d: RemoteBucketsDeps) {}

  async get(name: string): Promise<BucketInfo | undefined> {
    const known = await this.d.catalog.get(name);
    if (known !== undefined) return known;
    if (!/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(name)) return undefined;
    const exists = await this.d.call(() => this.d.driver.bucketExists(name));
    return exists ? this.adopt(name, this.d.clock.now()) : undefined;
  }

  async list(owner: string): Promise<BucketInfo[]> {
    const remote = await this.d.call(() => this.d.driver.listBuckets());
    const present = new Set(remote.map((b) => b.name));
    const catalog = new Map((await this.d.catalog.list()).map((b) => [b.name, b]));
    for (const b of remote)
      if (!catalog.has(b.name)) catalog.set(b.name, await this.adopt(b.name, b.createdAt));
    return [...catalog.values()]
      .filter((b) => b.owner === owner && present.has(b.name))
      .sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  }

  async create(input: {
    name: string;
    owner: string;
    acl: BucketAcl;
    storageClass: StorageClass;
  }): Promise<BucketInfo> {
    validateBucketName(input.name);
    if ((await this.get(input.name)) !== undefined) throw alreadyExists(input.name);
    await this.d.call(() => this.d.driver.createBucket(input.name, input.storageClass));
    const row: CatalogBucket = {
      ...input,
      region: this.d.region,
      createdAt: this.d.clock.now(),
      policy: null,
    };
    if (!(await this.d.catalog.insert(row))) throw alreadyExists(input.name);
    return row;
  }

  async setAcl(name: string, acl: BucketAcl): Promise<void> {
    await this.require(name);
    await this.d.catalog.setAcl(name, acl);
  }

  async setPolicy(name: string, policy: string | null): Promise<void> {
    await this.require(name);
    await this.d.catalog.setPolicy(name, policy);
  }

  /** The remote refuses a non-empty bucket (BucketNotEmpty); only then is the catalog row dropped. */
  async delete(name: string): Promise<void> {
    await this.require(name);
    try {
      await this.d.call(() => this.d.driver.deleteBucket(name));
    } catch (e) {
      if (!(e instanceof OssError && e.code === 'NoSuchBucket')) throw e;
    }
    await this.d.catalog.remove(name);
  }

  async require(name: string): Promise<BucketInfo> {
    const info = await this.get(name);
    if (info === undefined) throw noSuchBucket(name);
    return info;
  }

  private async adopt(name: string, createdAt: number): Promise<CatalogBucket> {
    const row: CatalogBucket = {
      name,
      owner: await this.d.rootAccountId(),
      acl: 'private',
      storageClass: 'Standard',
      region: this.d.region,
      createdAt,
      policy: null,
    };
    await this.d.catalog.insert(row);
    return (await this.d.catalog.get(name)) ?? row;
  }
}

const alreadyExists = (name: string): OssError =>
  new OssError('BucketAlreadyExists', undefined, { details: { BucketName: name } });
