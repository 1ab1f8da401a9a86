import type pg from 'pg';
import type { Clock } from '../../protocol/clock.js';
import { IamAdminError, type PolicyType, type RamAttachment } from '../../iam/admin-types.js';
import { iamQuery, iamWrite, type IamQuery } from './iam-query.js';
import type { PolicyRow, RoleRow, UserRow } from './iam-sql.js';

type Q = IamQuery;

export const notFound = (what: string, msg: string): IamAdminError =>
  new IamAdminError('EntityNotExist', `EntityNotExist.${what}: ${msg}`);
export const exists = (what: string, msg: string): IamAdminError =>
  new IamAdminError('EntityAlreadyExists', `EntityAlreadyExists.${what}: ${msg}`);

/** PostgreSQL unique_violation: a concurrent writer created the same name between check and insert. */
export const isUniqueViolation = (e: unknown): boolean => (e as { code?: string }).code === '23505';

/**
 * The shared half of the PostgreSQL RAM adapter: the pool, locked write transactions, the by-name lookups
 * and policy attachment that users and roles both use. The operations are in iam-admin.ts (split at the
 * house limit of ~300 lines).
 */
export abstract class PgIamAdminBase {
  constructor(
    private readonly pool: pg.Pool,
    readonly accountId: string,
    protected readonly clock: Clock,
  ) {}

  protected get read(): Q {
    return iamQuery(this.pool);
  }

  protected write<T>(fn: (q: Q) => Promise<T>): Promise<T> {
    return iamWrite(this.pool, fn);
  }

  protected async userRow(userName: string, q: Q = this.read): Promise<UserRow> {
    const row = (await q<UserRow>('userByName', [userName])).rows[0];
    if (!row) throw notFound('User', `the user ${userName} does not exist`);
    return row;
  }

  protected async roleRow(roleName: string, q: Q = this.read): Promise<RoleRow> {
    const row = (await q<RoleRow>('roleByName', [roleName])).rows[0];
    if (!row) throw notFound('Role', `the role ${roleName} does not exist`);
    return row;
  }

  /** By name; without a type, the custom policy wins over a system policy of the same name. */
  protected async policyRow(
    policyName: string,
    policyType?: PolicyType,
    q: Q = this.read,
  ): Promise<PolicyRow> {
    for (const type of policyType ? [policyType] : (['Custom', 'System'] as const)) {
      const row = (await q<PolicyRow>('policy', [type, policyName])).rows[0];
      if (row) return row;
    }
    throw notFound('Policy', `the policy ${policyName} does not exist`);
  }

  protected attachment(
    kind: 'User' | 'Role',
    name: string,
    policyName: string,
    policyType: PolicyType | undefined,
    attach: boolean,
  ): Promise<RamAttachment> {
    return this.write(async (q) => {
      const principalId =
        kind === 'User' ? (await this.userRow(name, q)).user_id : (await this.roleRow(name, q)).role_id;
      const policy = await this.policyRow(policyName, policyType, q);
      const ids = [kind, principalId, policy.policy_type, policy.policy_name];
      if (attach) await q('attach', [...ids, this.clock.now()]);
      else if (!(await q('detach', ids)).rowCount)
        throw notFound(
          'Attachment',
          `${policy.policy_name} is not attached to ${kind.toLowerCase()} ${name}`,
        );
      const who = kind === 'User' ? { UserName: name } : { RoleName: name };
      return { PolicyName: policy.policy_name, PolicyType: policy.policy_type, ...who };
    });
  }
}
