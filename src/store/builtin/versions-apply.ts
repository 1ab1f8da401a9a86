import { OssError, noSuchKey } from '../../protocol/oss-error.js';
import type { ObjectChange } from '../object-store.js';
import type { StorageClass } from '../types.js';
import type { ChangeOutcome } from './change-applier.js';
import { planRestore } from './restore.js';
import { restoreFromRow } from './rows.js';
import { decodeTags, encodeTags, MAX_TAGS, mergeTags, validateTags } from './tags.js';
import type { Versions } from './versions.js';

const OK: ChangeOutcome = { ok: true };

/**
 * Applies a metadata change (tags, ACL, restore) to a NONCURRENT version named by `change.versionId`.
 * Only reached after the hot single-UPDATE path on store_objects missed, so unversioned buckets never
 * pay for it. Returns undefined when the key has no versions here at all (the caller then answers
 * NoSuchKey / NoSuchBucket as before).
 */
export function applyToNoncurrent(
  versions: Versions,
  change: ObjectChange,
  now: number,
  restoreDurationMs: number,
): ChangeOutcome | undefined {
  const found = versions.find(change.bucket, change.key, change.versionId);
  if (found === 'no-such-key') return undefined;
  if (found === 'no-such-version') {
    return {
      ok: false,
      error: new OssError(
        'NoSuchVersion',
        `The version ${change.versionId ?? ''} of ${change.key} does not exist.`,
        {
          details: { Key: change.key, VersionId: change.versionId ?? '' },
        },
      ),
    };
  }
  // spec §11.1: a delete marker has no tags, ACL or data; targeting one is 404.
  if (found.deleteMarker) return { ok: false, error: noSuchKey(change.key) };
  if (found.seq === undefined) return undefined;
  const seq = found.seq;
  const st = versions.st;
  const op = change.op;
  switch (op.kind) {
    case 'putTags':
      validateTags(op.tags);
      st.setTags.run(encodeTags(op.tags), seq);
      return OK;
    case 'deleteTags':
      st.setTags.run(null, seq);
      return OK;
    case 'addTags': {
      validateTags(op.tags);
      const merged = mergeTags(decodeTags(found.row.tags), op.tags);
      if (merged.length > MAX_TAGS) {
        return {
          ok: false,
          error: new OssError(
            'InvalidArgument',
            `Adding the tags would leave ${merged.length} tags on the object; at most ${MAX_TAGS} are allowed.`,
          ),
        };
      }
      st.setTags.run(encodeTags(merged), seq);
      return OK;
    }
    case 'putAcl':
      st.setAcl.run(op.acl, seq);
      return OK;
    case 'restore': {
      const plan = planRestore(
        { storageClass: found.row.storage_class as StorageClass, restore: restoreFromRow(found.row) },
        op.days,
        op.tier,
        now,
        restoreDurationMs,
      );
      if (!('state' in plan)) return { ok: true, restore: plan.outcome };
      const s = plan.state;
      st.setRestore.run(s.readyAt, s.expiresAt, s.days, s.tier, seq);
      return { ok: true, restore: plan.outcome };
    }
  }
}
