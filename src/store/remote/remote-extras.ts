import { OssError } from '../../protocol/oss-error.js';
import type { CorsConfiguration } from '../bucket-config-store.js';
import type { InventoryConfigStore, StoredInventory } from '../inventory-port.js';
import type { BucketInfo, ObjectMeta, Tag } from '../types.js';

const notYet = (call: string): OssError =>
  new OssError(
    'OperationNotSupported',
    `${call} is not served over a remote store (--store) yet; use the built-in store or the remote store directly.`,
  );

/**
 * The bucket-configuration half of the port (issue 9) over a remote store: not mapped yet, so every write
 * answers OperationNotSupported with a message naming the call. Reads answer "nothing configured" (no bucket
 * tags, no CORS rules) so that requests which consult them in passing, such as CORS on a cross-origin
 * request, keep working. Multipart uploads, versioning and GetBucketStat are passed through to the store
 * (remote-passthrough.ts).
 */
export abstract class RemoteExtras implements InventoryConfigStore {
  /** Throws NoSuchBucket for a bucket neither the catalog nor the remote store knows. */
  protected abstract requireBucket(name: string): Promise<BucketInfo>;
  abstract headObject(bucket: string, key: string): Promise<ObjectMeta | undefined>;

  // ---- bucket inventory (issue 9): not kept for remote buckets yet. Reads answer "none configured" so the
  // inventory scheduler, which asks every node for due runs, stays quiet.
  createInventory(_row: StoredInventory, _maxPerBucket: number): Promise<void> {
    return Promise.reject(notYet('PutBucketInventory'));
  }
  async getInventory(bucket: string, _id: string): Promise<StoredInventory | undefined> {
    await this.requireBucket(bucket);
    return undefined;
  }
  async listInventories(
    bucket: string,
    _after: string | undefined,
    _limit: number,
  ): Promise<StoredInventory[]> {
    await this.requireBucket(bucket);
    return [];
  }
  async deleteInventory(bucket: string, _id: string): Promise<boolean> {
    await this.requireBucket(bucket);
    return false;
  }
  dueInventories(_now: number, _limit: number): Promise<StoredInventory[]> {
    return Promise.resolve([]);
  }
  claimInventoryRun(_bucket: string, _id: string, _expected: number, _next: number): Promise<boolean> {
    return Promise.resolve(false);
  }

  async getBucketTags(bucket: string): Promise<readonly Tag[]> {
    await this.requireBucket(bucket);
    return [];
  }
  putBucketTags(_bucket: string, _tags: readonly Tag[]): Promise<void> {
    return Promise.reject(notYet('PutBucketTags'));
  }
  async getBucketCors(bucket: string): Promise<CorsConfiguration | undefined> {
    await this.requireBucket(bucket);
    return undefined;
  }
  putBucketCors(_bucket: string, _cors: CorsConfiguration | undefined): Promise<void> {
    return Promise.reject(notYet('PutBucketCors / DeleteBucketCors'));
  }
}
