import { OssError, noSuchBucket } from '../../protocol/oss-error.js';
import type { CorsConfiguration } from '../bucket-config-store.js';
import type { InventoryConfigStore, StoredInventory } from '../inventory-port.js';
import type { BucketInfo, Tag } from '../types.js';
import type { BucketCatalog, BucketDocument } from './bucket-catalog.js';

/**
 * Bucket configuration that ossbatch serves itself over a remote store, kept in the Backend's bucket catalog
 * so every node of a cluster serves it the same (issue 8):
 * - CORS: ossbatch answers browsers' preflights and adds the Access-Control-* headers, so the rules must be
 *   where ossbatch is; the remote store's own CORS never sees a browser.
 * - Inventory configurations: ossbatch's scheduler runs them (over the ObjectStore port: it lists the remote
 *   bucket and writes the files into the destination bucket in the remote store); the catalog's
 *   compare-and-set schedule lets one node of the cluster run each due inventory once.
 * - Bucket tags: kept in the catalog too, not passed through. They are ossbatch's meaning on top of the
 *   store, as ACLs and policies are, and OSS's rules (20 tags, its key rules, DeleteBucketTags of named keys
 *   only) are then served the same over any store; a pass-through would depend on the store (s3rver answers
 *   NotImplemented for bucket tagging, S3 has no delete of named keys) and cost a remote call per read.
 *   The price: the store's own billing or lifecycle rules never see these tags; set such tags on the store
 *   directly (docs/operations.md).
 * Every method throws NoSuchBucket for a bucket neither the catalog nor the remote store knows (a bucket the
 * remote has is adopted into the catalog by requireBucket first).
 */
export abstract class RemoteBucketConfig implements InventoryConfigStore {
  constructor(protected readonly catalog: BucketCatalog) {}

  /** Throws NoSuchBucket for a bucket neither the catalog nor the remote store knows (adopts one it finds). */
  protected abstract requireBucket(name: string): Promise<BucketInfo>;

  /**
   * One catalog read when the document is set: a document exists only for a catalogued bucket (foreign key),
   * so the bucket check is left for the miss. CORS is read on every request with an Origin header and every
   * preflight, uncached: one PostgreSQL round trip, 0.1–0.5 ms on a busy 2-core machine (bench/catalog.ts,
   * docs/operations.md), against milliseconds for the remote store call the request makes anyway.
   */
  private async readDocument(bucket: string, doc: BucketDocument): Promise<string | undefined> {
    const text = await this.catalog.getDocument(bucket, doc);
    if (text !== undefined) return text;
    await this.requireBucket(bucket);
    return undefined;
  }

  private async writeDocument(bucket: string, doc: BucketDocument, value: string | null): Promise<void> {
    await this.requireBucket(bucket);
    // False only when a DeleteBucket on some node won the race since requireBucket.
    if (!(await this.catalog.setDocument(bucket, doc, value))) throw noSuchBucket(bucket);
  }

  // ---- bucket tags and CORS (BucketConfigStore)
  async getBucketTags(bucket: string): Promise<readonly Tag[]> {
    const text = await this.readDocument(bucket, 'tags');
    return text === undefined ? [] : (JSON.parse(text) as Tag[]);
  }
  putBucketTags(bucket: string, tags: readonly Tag[]): Promise<void> {
    const plain = tags.map((t) => ({ key: t.key, value: t.value }));
    return this.writeDocument(bucket, 'tags', plain.length === 0 ? null : JSON.stringify(plain));
  }
  async getBucketCors(bucket: string): Promise<CorsConfiguration | undefined> {
    const text = await this.readDocument(bucket, 'cors');
    return text === undefined ? undefined : (JSON.parse(text) as CorsConfiguration);
  }
  putBucketCors(bucket: string, cors: CorsConfiguration | undefined): Promise<void> {
    return this.writeDocument(bucket, 'cors', cors === undefined ? null : JSON.stringify(cors));
  }

  // ---- inventory configurations (InventoryConfigStore)
  async createInventory(row: StoredInventory, maxPerBucket: number): Promise<void> {
    await this.requireBucket(row.bucket);
    const outcome = await this.catalog.inventories.create(row, maxPerBucket);
    if (outcome === 'exists')
      throw new OssError('InventoryAlreadyExist', undefined, { details: { InventoryId: row.id } });
    if (outcome === 'full')
      throw new OssError(
        'InvalidArgument',
        `A bucket can have at most ${maxPerBucket} inventory configurations.`,
      );
    if (outcome === 'no-bucket') throw noSuchBucket(row.bucket);
  }
  async getInventory(bucket: string, id: string): Promise<StoredInventory | undefined> {
    await this.requireBucket(bucket);
    return this.catalog.inventories.get(bucket, id);
  }
  async listInventories(
    bucket: string,
    after: string | undefined,
    limit: number,
  ): Promise<StoredInventory[]> {
    await this.requireBucket(bucket);
    return this.catalog.inventories.list(bucket, after, limit);
  }
  async deleteInventory(bucket: string, id: string): Promise<boolean> {
    await this.requireBucket(bucket);
    return this.catalog.inventories.delete(bucket, id);
  }
  dueInventories(now: number, limit: number): Promise<StoredInventory[]> {
    return this.catalog.inventories.due(now, limit);
  }
  claimInventoryRun(bucket: string, id: string, expected: number, next: number): Promise<boolean> {
    return this.catalog.inventories.claim(bucket, id, expected, next);
  }
}
