import type { SqliteDb } from '../db/sqlite.js';
import type { Clock } from '../protocol/clock.js';
import { newAccessKeyId, newAccessKeySecret } from './iam-ids.js';
import { ensureRootAccount, type RootAccount } from './root-account.js';

/** What `ossbatch ram show-root-key` / `rotate-root-key` print (RAM-style field names). */
export interface RootKeyView {
  readonly AccountId: string;
  readonly AccessKeyId: string;
  readonly AccessKeySecret: string;
}

const view = (r: RootAccount): RootKeyView => ({
  AccountId: r.accountId,
  AccessKeyId: r.accessKeyId,
  AccessKeySecret: r.secret,
});

/**
 * The stored root key, for whoever can read the data dir (and so the database holding it in clear anyway).
 * Built on ensureRootAccount, the one place root keys are read and written: when the server never got to
 * generate one, this generates it and prints it (it is then shown, which is the point).
 */
export function showRootKey(db: SqliteDb, clock: Clock): RootKeyView {
  return view(ensureRootAccount(db, {}, clock));
}

/**
 * Replaces the root key with a fresh pair and returns it: ensureRootAccount's "the given credentials win
 * and replace the stored root key" path. The old key stops working at the server's next request (IAM
 * changes are noticed through PRAGMA data_version; see sqlite-iam.ts). A server started with
 * OSSBATCH_ROOT_ACCESS_KEY_ID/SECRET writes those back on its next start: rotate there by changing the env.
 */
export function rotateRootKey(db: SqliteDb, clock: Clock): RootKeyView {
  return view(ensureRootAccount(db, { accessKeyId: newAccessKeyId(), secret: newAccessKeySecret() }, clock));
}
