import type { SqliteDb } from '../db/sqlite.js';
import type { Clock } from '../protocol/clock.js';
import { newAccessKeyId, newAccessKeySecret } from './iam-ids.js';
import { markRootKeyShown, replaceRootKey, storedAccountId } from './root-account.js';

/** What `ossbatch ram show-root-key` / `rotate-root-key` print (RAM-style field names). */
export interface RootKeyView {
  readonly AccountId: string;
  readonly AccessKeyId: string;
  readonly AccessKeySecret: string;
}

/** No root account or key yet: the data dir was never served (the caller says "start the server first"). */
export class NoRootKeyError extends Error {
  override readonly name = 'NoRootKeyError';
}

/**
 * The stored root key, for whoever can read the data dir (and so the database holding it in clear anyway).
 * Showing it counts as shown: the next server start does not print it again.
 */
export function showRootKey(db: SqliteDb): RootKeyView {
  return db
    .transaction((): RootKeyView => {
      const view = readRootKey(db);
      markRootKeyShown(db);
      return view;
    })
    .immediate();
}

/**
 * Replaces the root key with a fresh pair and returns it. The old key stops working at the server's next
 * request (IAM changes are noticed through PRAGMA data_version; see sqlite-iam.ts). A server started with
 * OSSBATCH_ROOT_ACCESS_KEY_ID/SECRET writes those back on its next start: rotate there by changing the env.
 */
export function rotateRootKey(db: SqliteDb, clock: Clock): RootKeyView {
  return db
    .transaction((): RootKeyView => {
      const accountId = readRootKey(db).AccountId;
      const accessKeyId = newAccessKeyId();
      const secret = newAccessKeySecret();
      replaceRootKey(db, accessKeyId, secret, clock);
      markRootKeyShown(db);
      return { AccountId: accountId, AccessKeyId: accessKeyId, AccessKeySecret: secret };
    })
    .immediate();
}

function readRootKey(db: SqliteDb): RootKeyView {
  const accountId = storedAccountId(db);
  const key = db
    .prepare(
      'SELECT access_key_id, secret FROM iam_access_keys WHERE user_id IS NULL ORDER BY created_at LIMIT 1',
    )
    .get() as { access_key_id: string; secret: string } | undefined;
  if (accountId === undefined || key === undefined) {
    throw new NoRootKeyError('this data dir has no root key yet; start the server first (ossbatch server)');
  }
  return { AccountId: accountId, AccessKeyId: key.access_key_id, AccessKeySecret: key.secret };
}
