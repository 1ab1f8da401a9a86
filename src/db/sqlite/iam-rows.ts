import type {
  RamAccessKey,
  RamAttachedPolicy,
  RamPolicy,
  RamPolicyWithDocument,
  RamRole,
  RamUser,
} from '../../iam/admin-types.js';
import { roleArn, userArn } from '../../iam/iam-ids.js';
import type { AttachedRow, KeyRow, PolicyRow, RoleRow, UserRow } from './iam-sql.js';

/** RAM prints dates as ISO-8601 UTC without milliseconds: 2015-01-23T12:33:18Z. */
export const ramDate = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export const toUser = (accountId: string, r: UserRow): RamUser => ({
  UserId: r.user_id,
  UserName: r.user_name,
  DisplayName: r.display_name,
  Comments: r.comments,
  Arn: userArn(accountId, r.user_name),
  CreateDate: ramDate(r.created_at),
});

export const toAccessKey = (r: KeyRow): RamAccessKey => ({
  AccessKeyId: r.access_key_id,
  Status: r.status,
  CreateDate: ramDate(r.created_at),
});

export const toPolicy = (r: PolicyRow): RamPolicy => ({
  PolicyName: r.policy_name,
  PolicyType: r.policy_type,
  Description: r.description,
  DefaultVersion: `v${r.version}`,
  CreateDate: ramDate(r.created_at),
  UpdateDate: ramDate(r.updated_at),
  AttachmentCount: r.attachment_count,
});

export const toPolicyWithDocument = (r: PolicyRow): RamPolicyWithDocument => ({
  ...toPolicy(r),
  PolicyDocument: r.document,
});

export const toAttached = (r: AttachedRow): RamAttachedPolicy => ({
  PolicyName: r.policy_name,
  PolicyType: r.policy_type,
  Description: r.description,
  DefaultVersion: `v${r.version}`,
  AttachDate: ramDate(r.attached_at),
});

export const toRole = (accountId: string, r: RoleRow): RamRole => ({
  RoleId: r.role_id,
  RoleName: r.role_name,
  Arn: roleArn(accountId, r.role_name),
  Description: r.description,
  AssumeRolePolicyDocument: r.assume_role_policy,
  MaxSessionDuration: r.max_session_duration,
  CreateDate: ramDate(r.created_at),
});
