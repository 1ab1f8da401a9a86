/**
 * Plain objects the IAM admin surface returns; field names follow the RAM API's JSON (UserId, UserName,
 * Arn, CreateDate…) so `ossbatch ram …` output reads like `aliyun ram …` output. Dates are ISO-8601 UTC
 * without milliseconds, as RAM prints them.
 */

export interface RamUser {
  readonly UserId: string;
  readonly UserName: string;
  readonly DisplayName: string;
  readonly Comments: string;
  readonly Arn: string;
  readonly CreateDate: string;
}

export type AccessKeyStatus = 'Active' | 'Inactive';

export interface RamAccessKey {
  readonly AccessKeyId: string;
  readonly Status: AccessKeyStatus;
  readonly CreateDate: string;
}

export interface RamAccessKeyWithSecret extends RamAccessKey {
  readonly AccessKeySecret: string;
}

export type PolicyType = 'Custom' | 'System';

export interface RamPolicy {
  readonly PolicyName: string;
  readonly PolicyType: PolicyType;
  readonly Description: string;
  /** RAM names versions v1, v2, …; creating a new default version replaces the document. */
  readonly DefaultVersion: string;
  readonly CreateDate: string;
  readonly UpdateDate: string;
  readonly AttachmentCount: number;
}

export interface RamPolicyWithDocument extends RamPolicy {
  readonly PolicyDocument: string;
}

export interface RamAttachedPolicy {
  readonly PolicyName: string;
  readonly PolicyType: PolicyType;
  readonly Description: string;
  readonly DefaultVersion: string;
  readonly AttachDate: string;
}

export interface RamRole {
  readonly RoleId: string;
  readonly RoleName: string;
  readonly Arn: string;
  readonly Description: string;
  readonly AssumeRolePolicyDocument: string;
  readonly MaxSessionDuration: number;
  readonly CreateDate: string;
}

export interface RamAttachment {
  readonly PolicyName: string;
  readonly PolicyType: PolicyType;
  /** Set for attach/detach to a user. */
  readonly UserName?: string;
  /** Set for attach/detach to a role. */
  readonly RoleName?: string;
}

/** Why an admin call was refused; the CLI prints `Code: message` and exits 2. */
export type IamAdminErrorCode =
  | 'EntityAlreadyExists'
  | 'EntityNotExist'
  | 'InvalidParameter'
  | 'DeleteConflict'
  | 'LimitExceeded'
  | 'MalformedPolicyDocument';

export class IamAdminError extends Error {
  readonly code: IamAdminErrorCode;
  constructor(code: IamAdminErrorCode, message: string) {
    super(message);
    this.name = 'IamAdminError';
    this.code = code;
  }
}

/**
 * RAM management operations (used by `ossbatch ram`, the server and tests). Every method returns a Promise;
 * each write is one transaction and is visible to every running server within a second.
 */
export interface IamAdmin {
  readonly accountId: string;
  createUser(input: { userName: string; displayName?: string; comments?: string }): Promise<RamUser>;
  getUser(userName: string): Promise<RamUser>;
  listUsers(): Promise<RamUser[]>;
  /** Deletes the user with its access keys and policy attachments. */
  deleteUser(userName: string): Promise<void>;

  createAccessKey(userName: string): Promise<RamAccessKeyWithSecret>;
  listAccessKeys(userName: string): Promise<RamAccessKey[]>;
  updateAccessKey(userName: string, accessKeyId: string, status: AccessKeyStatus): Promise<void>;
  deleteAccessKey(userName: string, accessKeyId: string): Promise<void>;

  /** Validates the document (throws IamAdminError MalformedPolicyDocument with the reason). */
  createPolicy(input: {
    policyName: string;
    policyDocument: string;
    description?: string;
  }): Promise<RamPolicy>;
  getPolicy(policyName: string, policyType?: PolicyType): Promise<RamPolicyWithDocument>;
  /** Replaces a custom policy's document and bumps its version (RAM CreatePolicyVersion --SetAsDefault). */
  createPolicyVersion(policyName: string, policyDocument: string): Promise<RamPolicyWithDocument>;
  listPolicies(policyType?: PolicyType): Promise<RamPolicy[]>;
  /** Refused while the policy is attached (RAM DeleteConflict.Policy.*). */
  deletePolicy(policyName: string): Promise<void>;

  attachPolicyToUser(policyName: string, userName: string, policyType?: PolicyType): Promise<RamAttachment>;
  detachPolicyFromUser(policyName: string, userName: string, policyType?: PolicyType): Promise<RamAttachment>;
  listPoliciesForUser(userName: string): Promise<RamAttachedPolicy[]>;

  createRole(input: {
    roleName: string;
    assumeRolePolicyDocument: string;
    description?: string;
  }): Promise<RamRole>;
  getRole(roleName: string): Promise<RamRole>;
  listRoles(): Promise<RamRole[]>;
  /** Deletes the role with its policy attachments. */
  deleteRole(roleName: string): Promise<void>;
  attachPolicyToRole(policyName: string, roleName: string, policyType?: PolicyType): Promise<RamAttachment>;
  detachPolicyFromRole(policyName: string, roleName: string, policyType?: PolicyType): Promise<RamAttachment>;
  listPoliciesForRole(roleName: string): Promise<RamAttachedPolicy[]>;
}
