import { OssError } from '../../protocol/oss-error.js';
import { ARCHIVE_CLASSES } from '../types.js';
import type { ObjectMeta, RestoreState, RestoreStatus, RestoreTier, StorageClass } from '../types.js';

export const DAY_MS = 86_400_000;

/** EC OSS returns for a tier the storage class does not offer (spec §11.3). */
const INVALID_TIER_EC = '0016-00000703';

/** Days ranges per class (spec §11.3): Archive 1–7, ColdArchive/DeepColdArchive 1–365. */
const MAX_DAYS: Partial<Record<StorageClass, number>> = {
  Archive: 7,
  ColdArchive: 365,
  DeepColdArchive: 365,
};
/** Tiers per class; Archive has no tier choice, so its tier is ignored (spec §11.3). */
const TIERS: Partial<Record<StorageClass, readonly RestoreTier[]>> = {
  ColdArchive: ['Expedited', 'Standard', 'Bulk'],
  DeepColdArchive: ['Expedited', 'Standard'],
};

type RestoreFields = Pick<ObjectMeta, 'storageClass' | 'restore'>;

/** Where an object's restore stands at `now`: frozen → restoring → restored → (after Days) frozen. */
export function restoreStatus(meta: RestoreFields, now: number): RestoreStatus {
  if (!ARCHIVE_CLASSES.has(meta.storageClass)) return 'not-archived';
  const r = meta.restore;
  if (r === null || now >= r.expiresAt) return 'frozen';
  return now < r.readyAt ? 'restoring' : 'restored';
}

/** The `x-oss-restore` header value, or undefined when the object has none (not archived, or frozen). */
export function restoreHeader(meta: RestoreFields, now: number): string | undefined {
  const status = restoreStatus(meta, now);
  if (status === 'restoring') return 'ongoing-request="true"';
  if (status === 'restored' && meta.restore) {
    return `ongoing-request="false", expiry-date="${new Date(meta.restore.expiresAt).toUTCString()}"`;
  }
  return undefined;
}

/** Bytes can be read unless the object is an archive object that is frozen or still restoring. */
export function isReadable(meta: RestoreFields, now: number): boolean {
  const status = restoreStatus(meta, now);
  return status === 'not-archived' || status === 'restored';
}

export type RestorePlan =
  | { readonly outcome: 'accepted' | 'extended'; readonly state: RestoreState }
  /** `tier-lowered`: in progress, and the request asked for a slower tier than the running one. */
  | { readonly outcome: 'in-progress' | 'tier-lowered' };

/** Tier speed order (spec §11.3): Expedited < Standard < Bulk; a running restore may only be made faster. */
const TIER_RANK: Record<RestoreTier, number> = { Expedited: 0, Standard: 1, Bulk: 2 };

/** EC OSS returns when a request would lower the tier of a restore in progress (spec §11.3). */
export const TIER_LOWERED_EC = '0016-00000715';

/**
 * Validates a RestoreObject request against the object's class and current state and computes the new
 * restore state. Throws OperationNotSupported (not archived) or InvalidArgument (Days/Tier).
 * A restore finishes `restoreDurationMs` after the request; the copy expires Days × 24 h after that.
 * On a restored object the expiry moves to now + Days (never earlier than it was): the 200 "extended" case.
 */
export function planRestore(
  meta: RestoreFields,
  days: number,
  tier: RestoreTier | undefined,
  now: number,
  restoreDurationMs: number,
): RestorePlan {
  const maxDays = MAX_DAYS[meta.storageClass];
  if (maxDays === undefined) {
    throw new OssError(
      'OperationNotSupported',
      `RestoreObject is not supported for ${meta.storageClass} objects; only Archive, ColdArchive and DeepColdArchive objects can be restored.`,
    );
  }
  if (!Number.isInteger(days) || days < 1 || days > maxDays) {
    throw new OssError(
      'InvalidArgument',
      `Days must be an integer from 1 to ${maxDays} for ${meta.storageClass} objects, got ${days}.`,
    );
  }
  const tiers = TIERS[meta.storageClass];
  if (tiers !== undefined && tier !== undefined && !tiers.includes(tier)) {
    throw new OssError(
      'InvalidArgument',
      `The restore tier ${tier} is not valid for ${meta.storageClass} objects; use one of ${tiers.join(', ')}.`,
      { ec: INVALID_TIER_EC },
    );
  }
  const status = restoreStatus(meta, now);
  if (status === 'restoring' && meta.restore) {
    const running = meta.restore.tier;
    if (tiers === undefined || tier === undefined || tier === running) return { outcome: 'in-progress' };
    if (TIER_RANK[tier] > TIER_RANK[running]) return { outcome: 'tier-lowered' };
    // Raising the priority of a running restore is accepted (202). Every tier completes after the same
    // configured restoreDurationMs here, so only the recorded tier changes.
    return { outcome: 'accepted', state: { ...meta.restore, tier } };
  }
  const effectiveTier: RestoreTier = tiers === undefined ? 'Standard' : (tier ?? 'Standard');
  if (status === 'restored' && meta.restore) {
    const expiresAt = Math.max(meta.restore.expiresAt, now + days * DAY_MS);
    return { outcome: 'extended', state: { ...meta.restore, expiresAt, days } };
  }
  const readyAt = now + restoreDurationMs;
  return {
    outcome: 'accepted',
    state: { readyAt, expiresAt: readyAt + days * DAY_MS, days, tier: effectiveTier },
  };
}
