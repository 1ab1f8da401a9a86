import { describe } from 'vitest';
import { bucketAndObjectContract } from './contract/buckets-objects.js';
import { batchContract } from './contract/batch.js';
import type { MakeStore } from './contract/harness.js';
import { listingContract } from './contract/listing.js';
import { metadataContract } from './contract/metadata.js';
import { versionsContract } from './contract/versions.js';
import { inventoryContract } from './contract/inventory.js';
import { multipartContract } from './contract/multipart.js';

export type { MakeStore, StoreHarness } from './contract/harness.js';

/** The behaviour every ObjectStore adapter must show; each adapter's test file calls this once. */
export function runObjectStoreContract(name: string, makeStore: MakeStore): void {
  describe(`ObjectStore contract: ${name}`, () => {
    bucketAndObjectContract(makeStore);
    listingContract(makeStore);
    metadataContract(makeStore);
    batchContract(makeStore);
    versionsContract(makeStore);
    inventoryContract(makeStore);
    multipartContract(makeStore);
  });
}
