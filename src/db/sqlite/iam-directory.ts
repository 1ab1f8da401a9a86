import type { IamDirectory } from '../../iam/directory.js';
import { asyncFacade } from './async-facade.js';
import type { KeyWithUserRow, RoleRow } from './iam-sql.js';
import { prepareIamStatements } from './iam-sql.js';
import type { SqliteDb } from './open.js';

/** RAM lookups over the IAM tables (migration 001); iam_generation is bumped by triggers on every write. */
export function createSqliteIamDirectory(db: SqliteDb): IamDirectory {
  const sql = prepareIamStatements(db);
  return asyncFacade<IamDirectory>({
    findAccessKey(accessKeyId) {
      const row = sql.keyWithUser.get(accessKeyId) as KeyWithUserRow | undefined;
      if (!row) return undefined;
      return {
        accessKeyId: row.access_key_id,
        secret: row.secret,
        active: row.status === 'Active',
        userId: row.user_id,
        userName: row.user_name,
      };
    },
    findRole(roleName) {
      const row = sql.roleByName.get(roleName) as RoleRow | undefined;
      return row
        ? { roleId: row.role_id, roleName: row.role_name, assumeRolePolicy: row.assume_role_policy }
        : undefined;
    },
    policyDocuments: (type, id) => sql.policyDocsFor.all(type, id) as string[],
    changeToken: () => String(sql.generation.get()),
  });
}
