import type { StoredInventory } from '../store/inventory-port.js';
import type { CatalogBucket } from '../store/remote/bucket-catalog.js';
import type { BucketAcl, StorageClass } from '../store/types.js';

/** Bucket catalog rows as both drivers return them (same column names and types in both schemas). */
export interface BucketRow {
  name: string;
  owner: string;
  acl: string;
  storage_class: string;
  region: string;
  created_at: number;
  policy: string | null;
}

export interface InventoryRow {
  bucket: string;
  id: string;
  document: string;
  next_run_at: number;
}

export const toBucket = (r: BucketRow): CatalogBucket => ({
  name: r.name,
  owner: r.owner,
  acl: r.acl as BucketAcl,
  storageClass: r.storage_class as StorageClass,
  region: r.region,
  createdAt: r.created_at,
  policy: r.policy,
});

export const toInventory = (r: InventoryRow): StoredInventory => ({
  bucket: r.bucket,
  id: r.id,
  document: r.document,
  nextRunAt: r.next_run_at,
});
