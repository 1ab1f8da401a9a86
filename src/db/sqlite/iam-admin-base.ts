import type { Clock } from '../../protocol/clock.js';
import type { SqliteDb } from './open.js';
import { IamAdminError, type PolicyType, type RamAttachment } from '../../iam/admin-types.js';
import {
  type IamStatements,
  type PolicyRow,
  prepareIamStatements,
  type RoleRow,
  type UserRow,
} from './iam-sql.js';

export interface SqliteIamOptions {
  readonly accountId: string;
  readonly clock: Clock;
  /** Called after every committed write (the backend publishes iam-changed). */
  readonly onWrite?: (() => void) | undefined;
}

/**
 * The shared half of the SQLite RAM adapter: its statements, the write transaction that publishes
 * iam-changed, the by-name lookups and policy attachment that users and roles both use. The operations are
 * in iam-admin.ts (split at the house limit of ~300 lines).
 */
export abstract class SqliteIamAdminBase {
  protected readonly sql: IamStatements;
  readonly accountId: string;
  protected readonly clock: Clock;

  constructor(
    protected readonly db: SqliteDb,
    opts: SqliteIamOptions,
  ) {
    this.sql = prepareIamStatements(db);
    this.accountId = opts.accountId;
    this.clock = opts.clock;
    this.onWrite = opts.onWrite ?? ((): void => undefined);
  }

  private readonly onWrite: () => void;

  protected write<T>(fn: () => T): T {
    const result = this.db.transaction(fn).immediate();
    this.onWrite();
    return result;
  }

  protected userRow(userName: string): UserRow {
    const row = this.sql.userByName.get(userName) as UserRow | undefined;
    if (!row)
      throw new IamAdminError('EntityNotExist', `EntityNotExist.User: the user ${userName} does not exist`);
    return row;
  }

  protected roleRow(roleName: string): RoleRow {
    const row = this.sql.roleByName.get(roleName) as RoleRow | undefined;
    if (!row)
      throw new IamAdminError('EntityNotExist', `EntityNotExist.Role: the role ${roleName} does not exist`);
    return row;
  }

  /** By name; without a type, the custom policy wins over a system policy of the same name. */
  protected policyRow(policyName: string, policyType?: PolicyType): PolicyRow {
    const types: PolicyType[] = policyType ? [policyType] : ['Custom', 'System'];
    for (const type of types) {
      const row = this.sql.policy.get(type, policyName) as PolicyRow | undefined;
      if (row) return row;
    }
    throw new IamAdminError(
      'EntityNotExist',
      `EntityNotExist.Policy: the policy ${policyName} does not exist`,
    );
  }

  protected attachment(
    kind: 'User' | 'Role',
    name: string,
    policyName: string,
    policyType: PolicyType | undefined,
    attach: boolean,
  ): RamAttachment {
    return this.write(() => {
      const principalId = kind === 'User' ? this.userRow(name).user_id : this.roleRow(name).role_id;
      const policy = this.policyRow(policyName, policyType);
      if (attach)
        this.sql.attach.run(kind, principalId, policy.policy_type, policy.policy_name, this.clock.now());
      else if (this.sql.detach.run(kind, principalId, policy.policy_type, policy.policy_name).changes === 0) {
        throw new IamAdminError(
          'EntityNotExist',
          `EntityNotExist.Attachment: ${policy.policy_name} is not attached to ${kind.toLowerCase()} ${name}`,
        );
      }
      const who = kind === 'User' ? { UserName: name } : { RoleName: name };
      return { PolicyName: policy.policy_name, PolicyType: policy.policy_type, ...who };
    });
  }
}
