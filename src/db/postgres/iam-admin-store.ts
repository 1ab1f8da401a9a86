import type pg from 'pg';
import type { IamAdmin } from '../../iam/admin-types.js';
import type { IamAdminStore, RootAccount, RootAccountEnv } from '../../iam/directory.js';
import { newAccessKeyId, newAccessKeySecret, newAccountId } from '../../iam/iam-ids.js';
import type { Clock } from '../../protocol/clock.js';
import { PgIamAdmin } from './iam-admin.js';
import { iamWrite } from './iam-query.js';
import { IAM_SQL, type IamSqlName } from './iam-sql.js';

/** Rows of one IAM statement, run inside the write transaction. */
type Q = <R extends pg.QueryResultRow>(name: IamSqlName, values?: unknown[]) => Promise<R[]>;

/**
 * RAM writes and the root account on PostgreSQL (rules as db/sqlite/root-account.ts). Writes take the IAM
 * write lock, so nodes starting together agree on one generated account id and root key.
 */
export function createPgIamAdminStore(pool: pg.Pool): IamAdminStore {
  const tx = <T>(fn: (q: Q) => Promise<T>): Promise<T> =>
    iamWrite(pool, (run) => {
      const rows: Q = async <R extends pg.QueryResultRow>(name: IamSqlName, values?: unknown[]) =>
        (await run<R>(name, values)).rows;
      return fn(rows);
    });
  return {
    async storedAccountId() {
      return (await pool.query<{ account_id: string }>(IAM_SQL.rootAccount)).rows[0]?.account_id;
    },
    ensureAccountId: (clock) =>
      tx(async (q) => {
        const row = (await q<{ account_id: string }>('rootAccount'))[0];
        if (row) return row.account_id;
        const accountId = newAccountId();
        await q('insertRoot', [accountId, clock.now()]);
        return accountId;
      }),
    ensureRootAccount: (env, clock) => ensureRootAccount(env, clock, tx),
    admin: (accountId, clock): IamAdmin => new PgIamAdmin(pool, accountId, clock),
  };
}

async function ensureRootAccount(
  env: RootAccountEnv,
  clock: Clock,
  tx: <T>(fn: (q: Q) => Promise<T>) => Promise<T>,
): Promise<RootAccount> {
  if (Boolean(env.accessKeyId) !== Boolean(env.secret))
    throw new Error('root credentials: give both the access key id and the secret, or neither');
  if (env.accountId !== undefined && !/^\d{1,20}$/.test(env.accountId))
    throw new Error('root account id: digits only');
  return tx(async (q) => {
    const stored = (await q<{ account_id: string }>('rootAccount'))[0]?.account_id;
    let accountId = stored;
    if (accountId === undefined || (env.accountId !== undefined && env.accountId !== accountId)) {
      accountId = env.accountId ?? newAccountId();
      await q('upsertRoot', [accountId, clock.now()]);
    }
    const current = (await q<{ access_key_id: string; secret: string }>('rootKey'))[0];
    const replace = async (id: string, secret: string): Promise<void> => {
      const owner = (await q<{ user_id: string | null }>('keyOwner', [id]))[0];
      if (owner && owner.user_id !== null)
        throw new Error(`root credentials: access key id ${id} already belongs to a RAM user`);
      await q('deleteRootKeys');
      await q('insertRootKey', [id, secret, clock.now()]);
    };
    if (env.accessKeyId && env.secret) {
      if (current?.access_key_id !== env.accessKeyId || current.secret !== env.secret)
        await replace(env.accessKeyId, env.secret);
      return { accountId, accessKeyId: env.accessKeyId, secret: env.secret, generated: false };
    }
    if (current)
      return { accountId, accessKeyId: current.access_key_id, secret: current.secret, generated: false };
    const [accessKeyId, secret] = [newAccessKeyId(), newAccessKeySecret()];
    await replace(accessKeyId, secret);
    return { accountId, accessKeyId, secret, generated: true };
  });
}
