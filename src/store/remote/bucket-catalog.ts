import type { StoredInventory } from '../inventory-port.js';
import type { BucketAcl, StorageClass } from '../types.js';

/** One bucket as ossbatch knows it; the bytes live in the remote store, the meaning lives here. */
export interface CatalogBucket {
  readonly name: string;
  /** Account id of the owner (buckets adopted from the remote store belong to the root account). */
  readonly owner: string;
  readonly acl: BucketAcl;
  readonly storageClass: StorageClass;
  readonly region: string;
  /** ms since epoch */
  readonly createdAt: number;
  readonly policy: string | null;
}

/** Per-bucket configuration documents the catalog keeps as text (the store layer owns their encoding). */
export type BucketDocument = 'tags' | 'cors';

/** What creating an inventory configuration did (the store layer turns the refusals into OSS errors). */
export type InventoryCreated = 'created' | 'exists' | 'full' | 'no-bucket';

/**
 * Inventory configurations of catalogued buckets, with their schedule. Every node's inventory scheduler
 * reads `due` and runs a configuration only after winning `claim`, so one run happens once in a cluster.
 */
export interface CatalogInventories {
  /**
   * Atomic against concurrent creates (on every node): 'exists' when (bucket, id) is taken, 'full' when the
   * bucket already holds `maxPerBucket` configurations, 'no-bucket' when the bucket is not catalogued.
   */
  create(row: StoredInventory, maxPerBucket: number): Promise<InventoryCreated>;
  get(bucket: string, id: string): Promise<StoredInventory | undefined>;
  /** Ids greater than `after` (byte order), at most `limit`. */
  list(bucket: string, after: string | undefined, limit: number): Promise<StoredInventory[]>;
  /** False when there was no such configuration. */
  delete(bucket: string, id: string): Promise<boolean>;
  /** Configurations whose next run is at or before `now`, soonest first. */
  due(now: number, limit: number): Promise<StoredInventory[]>;
  /** Compare-and-set of the schedule: true for exactly one caller moving it from `expected` to `next`. */
  claim(bucket: string, id: string, expected: number, next: number): Promise<boolean>;
}

/**
 * The bucket catalog of a remote store, a port of the Backend (src/db/backend.ts): owner, ACL and policy, and
 * the bucket configuration ossbatch itself serves (tags, CORS rules, inventory configurations). RAM, bucket
 * policies, ACLs and CORS are evaluated by ossbatch, so they live where every node reads them: the embedded
 * SQLite database (one node) or PostgreSQL (a cluster). Adapters: db/sqlite/bucket-catalog.ts,
 * db/postgres/bucket-catalog.ts.
 *
 * Guarantees (test/db/bucket-catalog.contract.test.ts, on both backends):
 * - Every write is committed before its promise resolves and is read back by every Backend on the same
 *   database (no adapter caches).
 * - A write that changes a bucket row (insert, setAcl, setPolicy, remove) publishes `bucket-changed` with
 *   the bucket's name on the Backend's Notifications, so caches on every node drop that bucket (PostgreSQL:
 *   NOTIFY at commit; SQLite: in-process, the one node there is). Notifications are hints: callers that
 *   cache still bound their staleness with a TTL.
 * - `remove` drops the bucket's documents and inventory configurations with it, in one transaction.
 * - Names compare as bytes (`list` is in byte order, as OSS lists buckets).
 */
export interface BucketCatalog {
  get(name: string): Promise<CatalogBucket | undefined>;
  /** Every catalogued bucket, by name (byte order). */
  list(): Promise<CatalogBucket[]>;
  /** Returns false (and changes nothing) when the name is already catalogued. */
  insert(bucket: CatalogBucket): Promise<boolean>;
  /** False when the bucket is not catalogued. */
  setAcl(name: string, acl: BucketAcl): Promise<boolean>;
  /** null deletes the policy; false when the bucket is not catalogued. */
  setPolicy(name: string, policy: string | null): Promise<boolean>;
  /** Drops the bucket, its documents and its inventory configurations (a no-op for an unknown name). */
  remove(name: string): Promise<void>;
  /** undefined when the document is not set (or the bucket is not catalogued). */
  getDocument(bucket: string, doc: BucketDocument): Promise<string | undefined>;
  /** null deletes the document; false (nothing written) when the bucket is not catalogued. */
  setDocument(bucket: string, doc: BucketDocument, value: string | null): Promise<boolean>;
  readonly inventories: CatalogInventories;
}
