import type { Syncified } from './async-facade.js';
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
import { toAccessKey, toAttached, toPolicy, toPolicyWithDocument, toRole, toUser } from './iam-rows.js';
import { type AttachedRow, type KeyRow, type PolicyRow, type RoleRow, type UserRow } from './iam-sql.js';
import {
  checkName,
  MAX_KEYS_PER_USER,
  POLICY_NAME,
  USER_OR_ROLE_NAME,
  validateDocument,
} from '../../iam/iam-admin-rules.js';
import { SqliteIamAdminBase } from './iam-admin-base.js';

/** RAM management on the SQLite file, synchronous; the backend wraps it as the async IamAdmin port. */
export class SqliteIamAdmin extends SqliteIamAdminBase implements Syncified<IamAdmin> {
  createUser(input: { userName: string; displayName?: string; comments?: string }): RamUser {
    checkName(input.userName, USER_OR_ROLE_NAME, 'UserName');
    return this.write(() => {
      if (this.sql.userByName.get(input.userName)) {
        throw new IamAdminError(
          'EntityAlreadyExists',
          `EntityAlreadyExists.User: the user ${input.userName} already exists`,
        );
      }
      this.sql.insertUser.run(
        newUserId(),
        input.userName,
        input.displayName ?? input.userName,
        input.comments ?? '',
        this.clock.now(),
      );
      return toUser(this.accountId, this.userRow(input.userName));
    });
  }

  getUser(userName: string): RamUser {
    return toUser(this.accountId, this.userRow(userName));
  }

  listUsers(): RamUser[] {
    return (this.sql.users.all() as UserRow[]).map((r) => toUser(this.accountId, r));
  }

  deleteUser(userName: string): void {
    this.write(() => {
      const user = this.userRow(userName);
      this.sql.detachAll.run('User', user.user_id);
      this.sql.deleteUser.run(user.user_id); // access keys go with it (ON DELETE CASCADE)
    });
  }

  createAccessKey(userName: string): RamAccessKeyWithSecret {
    return this.write(() => {
      const user = this.userRow(userName);
      if ((this.sql.keysOfUser.all(user.user_id) as KeyRow[]).length >= MAX_KEYS_PER_USER) {
        throw new IamAdminError(
          'LimitExceeded',
          `LimitExceeded.User.AccessKey: ${userName} already has ${MAX_KEYS_PER_USER} access keys`,
        );
      }
      const id = newAccessKeyId();
      const secret = newAccessKeySecret();
      const now = this.clock.now();
      this.sql.insertKey.run(id, secret, user.user_id, now);
      return {
        ...toAccessKey({
          access_key_id: id,
          secret,
          user_id: user.user_id,
          status: 'Active',
          created_at: now,
        }),
        AccessKeySecret: secret,
      };
    });
  }

  listAccessKeys(userName: string): RamAccessKey[] {
    return (this.sql.keysOfUser.all(this.userRow(userName).user_id) as KeyRow[]).map(toAccessKey);
  }

  updateAccessKey(userName: string, accessKeyId: string, status: AccessKeyStatus): void {
    this.write(() => {
      if (this.sql.updateKeyStatus.run(status, this.userRow(userName).user_id, accessKeyId).changes === 0) {
        throw new IamAdminError(
          'EntityNotExist',
          `EntityNotExist.User.AccessKey: ${userName} has no access key ${accessKeyId}`,
        );
      }
    });
  }

  deleteAccessKey(userName: string, accessKeyId: string): void {
    this.write(() => {
      if (this.sql.deleteKey.run(this.userRow(userName).user_id, accessKeyId).changes === 0) {
        throw new IamAdminError(
          'EntityNotExist',
          `EntityNotExist.User.AccessKey: ${userName} has no access key ${accessKeyId}`,
        );
      }
    });
  }

  createPolicy(input: { policyName: string; policyDocument: string; description?: string }): RamPolicy {
    checkName(input.policyName, POLICY_NAME, 'PolicyName');
    validateDocument(input.policyDocument, 'identity');
    return this.write(() => {
      if (this.sql.policy.get('Custom', input.policyName)) {
        throw new IamAdminError(
          'EntityAlreadyExists',
          `EntityAlreadyExists.Policy: the policy ${input.policyName} already exists`,
        );
      }
      const now = this.clock.now();
      this.sql.insertPolicy.run(input.policyName, input.description ?? '', input.policyDocument, now, now);
      return toPolicy(this.policyRow(input.policyName, 'Custom'));
    });
  }

  getPolicy(policyName: string, policyType?: PolicyType): RamPolicyWithDocument {
    return toPolicyWithDocument(this.policyRow(policyName, policyType));
  }

  createPolicyVersion(policyName: string, policyDocument: string): RamPolicyWithDocument {
    validateDocument(policyDocument, 'identity');
    return this.write(() => {
      this.policyRow(policyName, 'Custom');
      this.sql.updatePolicyDocument.run(policyDocument, this.clock.now(), policyName);
      return toPolicyWithDocument(this.policyRow(policyName, 'Custom'));
    });
  }

  listPolicies(policyType?: PolicyType): RamPolicy[] {
    return (this.sql.policies.all(policyType ?? null, policyType ?? null) as PolicyRow[]).map(toPolicy);
  }

  deletePolicy(policyName: string): void {
    this.write(() => {
      const row = this.policyRow(policyName, 'Custom');
      if (row.attachment_count > 0) {
        throw new IamAdminError(
          'DeleteConflict',
          `DeleteConflict.Policy: ${policyName} is attached to ${row.attachment_count} user(s) or role(s); detach it first`,
        );
      }
      this.sql.deletePolicy.run(policyName);
    });
  }

  attachPolicyToUser(policyName: string, userName: string, policyType?: PolicyType): RamAttachment {
    return this.attachment('User', userName, policyName, policyType, true);
  }

  detachPolicyFromUser(policyName: string, userName: string, policyType?: PolicyType): RamAttachment {
    return this.attachment('User', userName, policyName, policyType, false);
  }

  listPoliciesForUser(userName: string): RamAttachedPolicy[] {
    return (this.sql.attachedTo.all('User', this.userRow(userName).user_id) as AttachedRow[]).map(toAttached);
  }

  createRole(input: { roleName: string; assumeRolePolicyDocument: string; description?: string }): RamRole {
    checkName(input.roleName, USER_OR_ROLE_NAME, 'RoleName');
    validateDocument(input.assumeRolePolicyDocument, 'trust');
    return this.write(() => {
      if (this.sql.roleByName.get(input.roleName)) {
        throw new IamAdminError(
          'EntityAlreadyExists',
          `EntityAlreadyExists.Role: the role ${input.roleName} already exists`,
        );
      }
      this.sql.insertRole.run(
        newRoleId(),
        input.roleName,
        input.description ?? '',
        input.assumeRolePolicyDocument,
        this.clock.now(),
      );
      return toRole(this.accountId, this.roleRow(input.roleName));
    });
  }

  getRole(roleName: string): RamRole {
    return toRole(this.accountId, this.roleRow(roleName));
  }

  listRoles(): RamRole[] {
    return (this.sql.roles.all() as RoleRow[]).map((r) => toRole(this.accountId, r));
  }

  deleteRole(roleName: string): void {
    this.write(() => {
      const role = this.roleRow(roleName);
      this.sql.detachAll.run('Role', role.role_id);
      this.sql.deleteRole.run(role.role_id);
    });
  }

  attachPolicyToRole(policyName: string, roleName: string, policyType?: PolicyType): RamAttachment {
    return this.attachment('Role', roleName, policyName, policyType, true);
  }

  detachPolicyFromRole(policyName: string, roleName: string, policyType?: PolicyType): RamAttachment {
    return this.attachment('Role', roleName, policyName, policyType, false);
  }

  listPoliciesForRole(roleName: string): RamAttachedPolicy[] {
    return (this.sql.attachedTo.all('Role', this.roleRow(roleName).role_id) as AttachedRow[]).map(toAttached);
  }
}
