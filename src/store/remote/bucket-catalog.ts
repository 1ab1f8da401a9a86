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

/**
 * The bucket catalog of a remote store: owner, ACL and policy are ossbatch's own (RAM, bucket policies and
 * ACLs are evaluated by ossbatch; the store's credentials are the service's). Async so that a PostgreSQL
 * adapter can implement it unchanged (ARCHITECTURE.md §3: every port returns Promises).
 */
export interface BucketCatalog {
  get(name: string): Promise<CatalogBucket | undefined>;
  /** Every catalogued bucket, by name (byte order). */
  list(): Promise<CatalogBucket[]>;
  /** Returns false (and changes nothing) when the name is already catalogued. */
  insert(bucket: CatalogBucket): Promise<boolean>;
  setAcl(name: string, acl: BucketAcl): Promise<boolean>;
  setPolicy(name: string, policy: string | null): Promise<boolean>;
  remove(name: string): Promise<void>;
}
