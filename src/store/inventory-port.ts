/**
 * Bucket inventory configurations as the store keeps them: an opaque document (src/inventory owns its
 * shape) plus the schedule. Part of the ObjectStore port because they are bucket configuration, like the
 * bucket policy, and go away with the bucket.
 */
export interface StoredInventory {
  readonly bucket: string;
  readonly id: string;
  readonly document: string;
  /** ms since epoch of the next scheduled run. */
  readonly nextRunAt: number;
}

export interface InventoryConfigStore {
  /** InventoryAlreadyExist when the id is taken; InvalidArgument beyond `maxPerBucket` configurations. */
  createInventory(row: StoredInventory, maxPerBucket: number): Promise<void>;
  getInventory(bucket: string, id: string): Promise<StoredInventory | undefined>;
  /** In id order, ids greater than `after`. */
  listInventories(bucket: string, after: string | undefined, limit: number): Promise<StoredInventory[]>;
  deleteInventory(bucket: string, id: string): Promise<boolean>;
  /** Configurations whose next run is at or before `now`, oldest first. */
  dueInventories(now: number, limit: number): Promise<StoredInventory[]>;
  /** Compare-and-set of the schedule: true for the one caller that moved it from `expected` to `next`. */
  claimInventoryRun(bucket: string, id: string, expected: number, next: number): Promise<boolean>;
}
