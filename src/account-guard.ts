import type { Backend } from './db/backend.js';
import type { ObjectStore } from './store/object-store.js';

/** A start-up refusal caused by configuration that contradicts the data directory (the CLI exits 2). */
export class ConfigConflictError extends Error {
  override readonly name = 'ConfigConflictError';
}

/**
 * OSSBATCH_ACCOUNT_ID may name the account of a new data directory, but re-keying one whose account already
 * owns buckets or jobs would orphan them (they stay owned by the old id: listed nowhere, AccessDenied).
 */
export async function refuseAccountChange(
  backend: Backend,
  wanted: string | undefined,
  store: ObjectStore,
): Promise<void> {
  const stored = await backend.iamAdmin.storedAccountId();
  if (wanted === undefined || stored === undefined || stored === wanted) return;
  const buckets = (await store.listBuckets(stored)).length;
  const jobs = (await backend.jobs.listJobs({ accountId: stored, limit: 1 })).length;
  if (buckets + jobs === 0) return;
  throw new ConfigConflictError(
    `OSSBATCH_ACCOUNT_ID=${wanted} but the data directory belongs to account ${stored}, which owns ` +
      `${buckets > 0 ? 'buckets' : 'jobs'}; unset it or use another --data-dir`,
  );
}
