import { describe } from 'vitest';
import { bucketAndObjectContract } from './contract/buckets-objects.js';
import { batchContract } from './contract/batch.js';
import { ALL_CAPS, type MakeStore, type StoreCaps } from './contract/harness.js';
import { listingContract } from './contract/listing.js';
import { metadataContract } from './contract/metadata.js';
import { versionsContract } from './contract/versions.js';
import { inventoryContract } from './contract/inventory.js';
import { multipartContract } from './contract/multipart.js';
import { bucketConfigContract } from './contract/bucket-config.js';

export type { MakeStore, StoreHarness, StoreCaps } from './contract/harness.js';
export { ALL_CAPS } from './contract/harness.js';

/** The behaviour every ObjectStore adapter must show; each adapter's test file calls this once. */
export function runObjectStoreContract(name: string, makeStore: MakeStore, caps: StoreCaps = ALL_CAPS): void {
  describe(`ObjectStore contract: ${name}`, () => {
    bucketAndObjectContract(makeStore, caps);
    listingContract(makeStore, caps);
    metadataContract(makeStore, caps);
    batchContract(makeStore, caps);
    // Remote stores pass multipart uploads and versioning through where the store has them; bucket tags,
    // CORS and inventory configurations are the built-in store's own tables, or a remote store's bucket
    // catalog in the Backend.
    if (caps.multipart) multipartContract(makeStore, caps);
    if (caps.versioning) versionsContract(makeStore);
    if (caps.bucketConfig) {
      bucketConfigContract(makeStore);
      inventoryContract(makeStore);
    }
  });
}
