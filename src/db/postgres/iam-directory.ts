import type pg from 'pg';
import type { IamDirectory } from '../../iam/directory.js';
import { IAM_SQL, type IamSqlName, type KeyWithUserRow, type RoleRow } from './iam-sql.js';

/** RAM lookups (named statements: key lookup runs on every signed request that misses the IAM cache). */
export function createPgIamDirectory(pool: pg.Pool): IamDirectory {
  const q = async <R extends pg.QueryResultRow>(name: IamSqlName, values: unknown[] = []): Promise<R[]> =>
    (await pool.query<R>({ name: `iam.${name}`, text: IAM_SQL[name], values })).rows;
  return {
    async findAccessKey(accessKeyId) {
      const row = (await q<KeyWithUserRow>('keyWithUser', [accessKeyId]))[0];
      if (!row) return undefined;
      return {
        accessKeyId: row.access_key_id,
        secret: row.secret,
        active: row.status === 'Active',
        userId: row.user_id,
        userName: row.user_name,
      };
    },
    async findRole(roleName) {
      const row = (await q<RoleRow>('roleByName', [roleName]))[0];
      return row
        ? { roleId: row.role_id, roleName: row.role_name, assumeRolePolicy: row.assume_role_policy }
        : undefined;
    },
    policyDocuments: async (type, id) =>
      (await q<{ document: string }>('policyDocsFor', [type, id])).map((r) => r.document),
    // iam_generation is bumped by the trigger on every IAM table, in the writing transaction (migration 001).
    changeToken: async () => String((await q<{ value: number }>('generation'))[0]?.value ?? 0),
  };
}
