import type { IamAdmin } from '../../iam/admin-types.js';
import type { IamAdminStore } from '../../iam/directory.js';
import { asyncFacade } from './async-facade.js';
import { SqliteIamAdmin } from './iam-admin.js';
import type { SqliteDb } from './open.js';
import { ensureAccountId, ensureRootAccount, storedAccountId } from './root-account.js';

/** RAM writes and the root account on the SQLite file; `onWrite` runs after every committed admin write. */
export function createSqliteIamAdminStore(db: SqliteDb, onWrite: () => void): IamAdminStore {
  return {
    storedAccountId: () => Promise.resolve(storedAccountId(db)),
    ensureAccountId: (clock) => asyncCall(() => ensureAccountId(db, clock)),
    ensureRootAccount: (env, clock) =>
      asyncCall(() => {
        const root = ensureRootAccount(db, env, clock);
        onWrite();
        return root;
      }),
    admin: (accountId, clock): IamAdmin =>
      asyncFacade<IamAdmin>(new SqliteIamAdmin(db, { accountId, clock, onWrite })),
  };
}

function asyncCall<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (e) {
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
}
