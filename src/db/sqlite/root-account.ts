import type { RootAccount, RootAccountEnv } from '../../iam/directory.js';
import { newAccessKeyId, newAccessKeySecret, newAccountId } from '../../iam/iam-ids.js';
import { systemClock, type Clock } from '../../protocol/clock.js';
import type { SqliteDb } from './open.js';

/**
 * The account this data dir hosts: the account id recorded in iam_root, created on first use. Used by the
 * `ossbatch ram` CLI, which needs the id for ARNs but must not mint root credentials behind the server's back
 * (the server prints them when it generates them).
 */
export function ensureAccountId(db: SqliteDb, clock: Clock = systemClock): string {
  return db
    .transaction(() => {
      const row = db.prepare('SELECT account_id FROM iam_root WHERE id = 1').get() as
        { account_id: string } | undefined;
      if (row) return row.account_id;
      const accountId = newAccountId();
      db.prepare('INSERT INTO iam_root (id, account_id, created_at) VALUES (1, ?, ?)').run(
        accountId,
        clock.now(),
      );
      return accountId;
    })
    .immediate();
}

/** The account id this data dir already hosts, without creating one. */
export function storedAccountId(db: SqliteDb): string | undefined {
  const row = db.prepare('SELECT account_id FROM iam_root WHERE id = 1').get() as
    { account_id: string } | undefined;
  return row?.account_id;
}

/**
 * Root identity: credentials from the environment when given (env wins and is persisted, replacing any
 * earlier root key), otherwise generated on first start and persisted, so the identity survives restarts.
 */
export function ensureRootAccount(
  db: SqliteDb,
  env: RootAccountEnv,
  clock: Clock = systemClock,
): RootAccount {
  if (Boolean(env.accessKeyId) !== Boolean(env.secret)) {
    throw new Error('root credentials: give both the access key id and the secret, or neither');
  }
  if (env.accountId !== undefined && !/^\d{1,20}$/.test(env.accountId)) {
    throw new Error('root account id: digits only');
  }
  return db
    .transaction((): RootAccount => {
      const accountId = upsertAccountId(db, env.accountId, clock);
      const current = db
        .prepare(
          'SELECT access_key_id, secret FROM iam_access_keys WHERE user_id IS NULL ORDER BY created_at LIMIT 1',
        )
        .get() as { access_key_id: string; secret: string } | undefined;
      if (env.accessKeyId && env.secret) {
        if (current?.access_key_id !== env.accessKeyId || current.secret !== env.secret) {
          replaceRootKey(db, env.accessKeyId, env.secret, clock);
        }
        return { accountId, accessKeyId: env.accessKeyId, secret: env.secret, generated: false };
      }
      if (current)
        return { accountId, accessKeyId: current.access_key_id, secret: current.secret, generated: false };
      const accessKeyId = newAccessKeyId();
      const secret = newAccessKeySecret();
      replaceRootKey(db, accessKeyId, secret, clock);
      return { accountId, accessKeyId, secret, generated: true };
    })
    .immediate();
}

function upsertAccountId(db: SqliteDb, wanted: string | undefined, clock: Clock): string {
  const row = db.prepare('SELECT account_id FROM iam_root WHERE id = 1').get() as
    { account_id: string } | undefined;
  if (row && (wanted === undefined || wanted === row.account_id)) return row.account_id;
  const accountId = wanted ?? newAccountId();
  db.prepare(
    'INSERT INTO iam_root (id, account_id, created_at) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET account_id = excluded.account_id',
  ).run(accountId, clock.now());
  return accountId;
}

function replaceRootKey(db: SqliteDb, accessKeyId: string, secret: string, clock: Clock): void {
  const owner = db.prepare('SELECT user_id FROM iam_access_keys WHERE access_key_id = ?').get(accessKeyId) as
    { user_id: string | null } | undefined;
  if (owner && owner.user_id !== null) {
    throw new Error(`root credentials: access key id ${accessKeyId} already belongs to a RAM user`);
  }
  db.prepare('DELETE FROM iam_access_keys WHERE user_id IS NULL').run();
  db.prepare(
    "INSERT INTO iam_access_keys (access_key_id, secret, user_id, status, created_at) VALUES (?, ?, NULL, 'Active', ?)",
  ).run(accessKeyId, secret, clock.now());
}
