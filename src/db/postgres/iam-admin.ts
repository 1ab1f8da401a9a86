import {
  type AccessKeyStatus,
  type IamAdmin,
  IamAdminError,
  type PolicyType,
  type RamAccessKey,
  type RamAccessKeyWithSecret,
  type RamAttachedPolicy,
  type RamAttachment,
  type RamPolicy,
  type RamPolicyWithDocument,
  type RamRole,
  type RamUser,
} from '../../iam/admin-types.js';
import { newAccessKeyId, newAccessKeySecret, newRoleId, newUserId } from '../../iam/iam-ids.js';
import {
  checkName,
  MAX_KEYS_PER_USER,
  POLICY_NAME,
  USER_OR_ROLE_NAME,
  validateDocument,
} from '../../iam/iam-admin-rules.js';
import {
  toAccessKey,
  toAttached,
  toPolicy,
  toPolicyWithDocument,
  toRole,
  toUser,
} from '../sqlite/iam-rows.js';
import type { AttachedRow, KeyRow, PolicyRow, RoleRow, UserRow } from './iam-sql.js';

import { exists, isUniqueViolation, notFound, PgIamAdminBase } from './iam-admin-base.js';

/**
 * RAM management on PostgreSQL, the same rules and messages as the SQLite adapter (db/sqlite/iam-admin.ts).
 * Each write is one locked transaction (iamWrite), so the rules hold across nodes.
 */
export class PgIamAdmin extends PgIamAdminBase implements IamAdmin {
  async createUser(input: { userName: string; displayName?: string; comments?: string }): Promise<RamUser> {
    checkName(input.userName, USER_OR_ROLE_NAME, 'UserName');
    const already = exists('User', `the user ${input.userName} already exists`);
    try {
      return await this.write(async (q) => {
        if ((await q('userByName', [input.userName])).rowCount) throw already;
        const values = [
          newUserId(),
          input.userName,
          input.displayName ?? input.userName,
          input.comments ?? '',
          this.clock.now(),
        ];
        await q('insertUser', values);
        return toUser(this.accountId, await this.userRow(input.userName, q));
      });
    } catch (e) {
      throw isUniqueViolation(e) ? already : e;
    }
  }

  async getUser(userName: string): Promise<RamUser> {
    return toUser(this.accountId, await this.userRow(userName));
  }

  async listUsers(): Promise<RamUser[]> {
    return (await this.read<UserRow>('users')).rows.map((r) => toUser(this.accountId, r));
  }

  async deleteUser(userName: string): Promise<void> {
    await this.write(async (q) => {
      const user = await this.userRow(userName, q);
      await q('detachAll', ['User', user.user_id]);
      await q('deleteUser', [user.user_id]); // access keys go with it (ON DELETE CASCADE)
    });
  }

  createAccessKey(userName: string): Promise<RamAccessKeyWithSecret> {
    return this.write(async (q) => {
      const user = await this.userRow(userName, q);
      if ((await q<KeyRow>('keysOfUser', [user.user_id])).rows.length >= MAX_KEYS_PER_USER) {
        throw new IamAdminError(
          'LimitExceeded',
          `LimitExceeded.User.AccessKey: ${userName} already has ${MAX_KEYS_PER_USER} access keys`,
        );
      }
      const [id, secret, now] = [newAccessKeyId(), newAccessKeySecret(), this.clock.now()];
      await q('insertKey', [id, secret, user.user_id, now]);
      const row: KeyRow = {
        access_key_id: id,
        secret,
        user_id: user.user_id,
        status: 'Active',
        created_at: now,
      };
      return { ...toAccessKey(row), AccessKeySecret: secret };
    });
  }

  async listAccessKeys(userName: string): Promise<RamAccessKey[]> {
    const user = await this.userRow(userName);
    return (await this.read<KeyRow>('keysOfUser', [user.user_id])).rows.map(toAccessKey);
  }

  async updateAccessKey(userName: string, accessKeyId: string, status: AccessKeyStatus): Promise<void> {
    await this.write(async (q) => {
      const user = await this.userRow(userName, q);
      if (!(await q('updateKeyStatus', [status, user.user_id, accessKeyId])).rowCount)
        throw notFound('User.AccessKey', `${userName} has no access key ${accessKeyId}`);
    });
  }

  async deleteAccessKey(userName: string, accessKeyId: string): Promise<void> {
    await this.write(async (q) => {
      const user = await this.userRow(userName, q);
      if (!(await q('deleteKey', [user.user_id, accessKeyId])).rowCount)
        throw notFound('User.AccessKey', `${userName} has no access key ${accessKeyId}`);
    });
  }

  async createPolicy(input: {
    policyName: string;
    policyDocument: string;
    description?: string;
  }): Promise<RamPolicy> {
    checkName(input.policyName, POLICY_NAME, 'PolicyName');
    validateDocument(input.policyDocument, 'identity');
    const already = exists('Policy', `the policy ${input.policyName} already exists`);
    try {
      return await this.write(async (q) => {
        if ((await q('policy', ['Custom', input.policyName])).rowCount) throw already;
        await q('insertPolicy', [
          input.policyName,
          input.description ?? '',
          input.policyDocument,
          this.clock.now(),
        ]);
        return toPolicy(await this.policyRow(input.policyName, 'Custom', q));
      });
    } catch (e) {
      throw isUniqueViolation(e) ? already : e;
    }
  }

  async getPolicy(policyName: string, policyType?: PolicyType): Promise<RamPolicyWithDocument> {
    return toPolicyWithDocument(await this.policyRow(policyName, policyType));
  }

  createPolicyVersion(policyName: string, policyDocument: string): Promise<RamPolicyWithDocument> {
    validateDocument(policyDocument, 'identity');
    return this.write(async (q) => {
      await this.policyRow(policyName, 'Custom', q);
      await q('updatePolicyDocument', [policyDocument, this.clock.now(), policyName]);
      return toPolicyWithDocument(await this.policyRow(policyName, 'Custom', q));
    });
  }

  async listPolicies(policyType?: PolicyType): Promise<RamPolicy[]> {
    return (await this.read<PolicyRow>('policies', [policyType ?? null])).rows.map(toPolicy);
  }

  async deletePolicy(policyName: string): Promise<void> {
    await this.write(async (q) => {
      const row = await this.policyRow(policyName, 'Custom', q);
      if (row.attachment_count > 0) {
        throw new IamAdminError(
          'DeleteConflict',
          `DeleteConflict.Policy: ${policyName} is attached to ${row.attachment_count} user(s) or role(s); detach it first`,
        );
      }
      await q('deletePolicy', [policyName]);
    });
  }

  attachPolicyToUser(policyName: string, userName: string, policyType?: PolicyType): Promise<RamAttachment> {
    return this.attachment('User', userName, policyName, policyType, true);
  }

  detachPolicyFromUser(
    policyName: string,
    userName: string,
    policyType?: PolicyType,
  ): Promise<RamAttachment> {
    return this.attachment('User', userName, policyName, policyType, false);
  }

  async listPoliciesForUser(userName: string): Promise<RamAttachedPolicy[]> {
    const user = await this.userRow(userName);
    return (await this.read<AttachedRow>('attachedTo', ['User', user.user_id])).rows.map(toAttached);
  }

  async createRole(input: {
    roleName: string;
    assumeRolePolicyDocument: string;
    description?: string;
  }): Promise<RamRole> {
    checkName(input.roleName, USER_OR_ROLE_NAME, 'RoleName');
    validateDocument(input.assumeRolePolicyDocument, 'trust');
    const already = exists('Role', `the role ${input.roleName} already exists`);
    try {
      return await this.write(async (q) => {
        if ((await q('roleByName', [input.roleName])).rowCount) throw already;
        const values = [
          newRoleId(),
          input.roleName,
          input.description ?? '',
          input.assumeRolePolicyDocument,
          this.clock.now(),
        ];
        await q('insertRole', values);
        return toRole(this.accountId, await this.roleRow(input.roleName, q));
      });
    } catch (e) {
      throw isUniqueViolation(e) ? already : e;
    }
  }

  async getRole(roleName: string): Promise<RamRole> {
    return toRole(this.accountId, await this.roleRow(roleName));
  }

  async listRoles(): Promise<RamRole[]> {
    return (await this.read<RoleRow>('roles')).rows.map((r) => toRole(this.accountId, r));
  }

  async deleteRole(roleName: string): Promise<void> {
    await this.write(async (q) => {
      const role = await this.roleRow(roleName, q);
      await q('detachAll', ['Role', role.role_id]);
      await q('deleteRole', [role.role_id]);
    });
  }

  attachPolicyToRole(policyName: string, roleName: string, policyType?: PolicyType): Promise<RamAttachment> {
    return this.attachment('Role', roleName, policyName, policyType, true);
  }

  detachPolicyFromRole(
    policyName: string,
    roleName: string,
    policyType?: PolicyType,
  ): Promise<RamAttachment> {
    return this.attachment('Role', roleName, policyName, policyType, false);
  }

  async listPoliciesForRole(roleName: string): Promise<RamAttachedPolicy[]> {
    const role = await this.roleRow(roleName);
    return (await this.read<AttachedRow>('attachedTo', ['Role', role.role_id])).rows.map(toAttached);
  }
}
