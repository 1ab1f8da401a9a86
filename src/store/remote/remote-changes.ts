import { OssError, isOssError } from '../../protocol/oss-error.js';
import { planRestore, TIER_LOWERED_EC } from '../builtin/restore.js';
import { MAX_TAGS, mergeTags, validateTags } from '../builtin/tags.js';
import type { ChangeResult, ObjectChange } from '../object-store.js';
import type { RestoreTier } from '../types.js';
import type { RemoteDriver } from './remote-driver.js';
import { RemoteError } from './remote-error.js';

export type RestoreOutcome = 'accepted' | 'extended' | 'in-progress';

const IN_PROGRESS = 'RestoreAlreadyInProgress: restore is already in progress';
const EXTENDED = 'the restored copy was extended';

/** One metadata change against a remote store; every call goes through `call` (limiter + retries). */
export class RemoteChanges {
  constructor(
    private readonly driver: RemoteDriver,
    private readonly call: <T>(fn: () => Promise<T>) => Promise<T>,
  ) {}

  /** Never throws: the outcome (with the adapter's retryable decision) is the result. */
  async apply(change: ObjectChange): Promise<ChangeResult> {
    try {
      const outcome = await this.run(change);
      if (outcome === 'in-progress') return { ok: true, message: IN_PROGRESS };
      if (outcome === 'extended') return { ok: true, message: EXTENDED };
      return { ok: true };
    } catch (e) {
      return failure(e);
    }
  }

  private async run(change: ObjectChange): Promise<RestoreOutcome | undefined> {
    const { bucket, key, versionId, op } = change;
    switch (op.kind) {
      case 'putTags':
        validateTags(op.tags);
        await this.call(() => this.driver.putTags(bucket, key, op.tags, versionId));
        return undefined;
      case 'addTags':
        await this.addTags(bucket, key, op.tags, versionId);
        return undefined;
      case 'deleteTags':
        await this.call(() => this.driver.deleteTags(bucket, key, versionId));
        return undefined;
      case 'putAcl':
        await this.call(() => this.driver.putAcl(bucket, key, op.acl, versionId));
        return undefined;
      case 'restore':
        try {
          return await this.restore(bucket, key, op.days, op.tier, versionId);
        } catch (e) {
          // A batch restore of an object already being restored succeeds with a message, whatever tier it
          // asked for (as in the built-in store): the store's 409, or its "slower tier" refusal (EC 715).
          if (isOssError(e) && (e.code === 'RestoreAlreadyInProgress' || e.ec === TIER_LOWERED_EC))
            return 'in-progress';
          throw e;
        }
    }
  }

  /**
   * AddObjectTagging is read-modify-write on a remote store (GET tagging, merge, PUT tagging): neither S3
   * nor OSS has an atomic "add tags" call, so a tag written by someone else between the two calls can be
   * lost. docs/operations.md says so.
   */
  async addTags(
    bucket: string,
    key: string,
    added: readonly { key: string; value: string }[],
    versionId: string | undefined,
  ): Promise<void> {
    validateTags(added);
    const current = await this.call(() => this.driver.getTags(bucket, key, versionId));
    const merged = mergeTags(current, added);
    if (merged.length > MAX_TAGS) {
      // spec gap 26, as in the built-in store: a merge past 10 tags is InvalidArgument.
      throw new OssError(
        'InvalidArgument',
        `Adding the tags would leave ${merged.length} tags on the object; at most ${MAX_TAGS} are allowed.`,
      );
    }
    await this.call(() => this.driver.putTags(bucket, key, merged, versionId));
  }

  /**
   * OSS's restore rules (class, Days range, tier per class) are checked here, as for the built-in store; then
   * the store's own restore runs (S3: Days + GlacierJobParameters.Tier). A restore already running is the
   * store's 409, which a batch counts as success with a message.
   */
  async restore(
    bucket: string,
    key: string,
    days: number,
    tier: RestoreTier | undefined,
    versionId: string | undefined,
  ): Promise<'accepted' | 'extended'> {
    const head = await this.call(() => this.driver.headObject(bucket, key, versionId));
    if (head === undefined) throw new OssError('NoSuchKey', undefined, { details: { Key: key } });
    planRestore({ storageClass: head.storageClass, restore: null }, days, tier, 0, 0);
    return this.call(() => this.driver.restore(bucket, key, days, tier, head.storageClass, versionId));
  }
}

function failure(e: unknown): ChangeResult {
  if (e instanceof RemoteError)
    return { ok: false, code: e.code, status: e.status, message: e.message, retryable: e.retryable };
  if (isOssError(e))
    return { ok: false, code: e.code, status: e.status, message: e.message, retryable: false };
  const message = e instanceof Error ? e.message : String(e);
  return { ok: false, code: 'InternalError', status: 500, message, retryable: false };
}
