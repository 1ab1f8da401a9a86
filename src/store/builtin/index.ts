import type { ObjectStore } from '../object-store.js';
import { BuiltinStore } from './builtin-store.js';
import type { BuiltinStoreOptions } from './builtin-store.js';
import { faultyDb } from './disk-faults.js';

export type { BuiltinStoreOptions } from './builtin-store.js';
export type { DiskFaults } from './disk-faults.js';
export { validateTags, mergeTags, MAX_TAGS, MAX_TAG_KEY_CHARS, MAX_TAG_VALUE_CHARS } from './tags.js';
export { restoreStatus, restoreHeader, isReadable, planRestore, DAY_MS } from './restore.js';
export { validateBucketName } from './bucket-ops.js';
export { MAX_OBJECT_SIZE } from './blob-files.js';
export { prefixSuccessor, compareKeys } from './listing.js';

/**
 * The built-in object store: metadata in the given SQLite database (migration 002), bytes under
 * `<dataDir>/objects/`. Removes crash leftovers (temp files, unreferenced object files) before resolving.
 */
export async function createBuiltinStore(opts: BuiltinStoreOptions): Promise<ObjectStore> {
  // Only a test harness passes diskFaults; every statement the store prepares then goes through it.
  const db = opts.diskFaults ? faultyDb(opts.db, opts.diskFaults) : opts.db;
  const store = new BuiltinStore({ ...opts, db });
  await store.init();
  return store;
}
