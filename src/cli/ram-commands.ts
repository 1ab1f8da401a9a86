import { readFileSync } from 'node:fs';
import type { IamAdmin, PolicyType } from '../iam/admin-types.js';

/** Thrown for anything the user must fix; main prints `message` on one stderr line and exits with exitCode. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** Parsed option values as commander hands them over (camel-cased long names). */
export type RamOptions = Readonly<Record<string, string | boolean | undefined>>;

export interface RamCommandSpec {
  readonly name: string;
  readonly description: string;
  /** [flags, description]; required ones become commander required options. */
  readonly required?: readonly (readonly [string, string])[];
  readonly optional?: readonly (readonly [string, string])[];
  readonly run: (iam: IamAdmin, o: RamOptions) => Promise<unknown>;
}

const str = (o: RamOptions, name: string): string => {
  const v = o[name];
  if (typeof v !== 'string')
    throw new CliError(`missing option --${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
  return v;
};
const optStr = (o: RamOptions, name: string): string | undefined =>
  typeof o[name] === 'string' ? o[name] : undefined;

function policyType(o: RamOptions): PolicyType | undefined {
  const v = optStr(o, 'policyType');
  if (v === undefined) return undefined;
  if (v !== 'Custom' && v !== 'System')
    throw new CliError(`--policy-type must be Custom or System, not "${v}"`);
  return v;
}

/** A policy document argument: inline JSON when it starts with `{`, else a file path. */
export function readDocument(arg: string): string {
  if (arg.trimStart().startsWith('{')) return arg;
  try {
    return readFileSync(arg, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new CliError(`cannot read policy document ${arg}: ${code === 'ENOENT' ? 'no such file' : code}`);
  }
}

const USER: readonly [string, string] = ['--user-name <name>', 'RAM user name'];
const ROLE: readonly [string, string] = ['--role-name <name>', 'RAM role name'];
const POLICY: readonly [string, string] = ['--policy-name <name>', 'policy name'];
const POLICY_TYPE: readonly [string, string] = [
  '--policy-type <type>',
  'Custom or System (default: Custom, then System)',
];
const KEY_ID: readonly [string, string] = ['--user-access-key-id <id>', 'AccessKeyId'];
const DOC: readonly [string, string] = [
  '--policy-document <file|json>',
  'policy document: a file, or inline JSON starting with {',
];

/** The `ossbatch ram` commands, named after the RAM API operations (CreateUser → create-user, …). */
export const RAM_COMMANDS: readonly RamCommandSpec[] = [
  {
    name: 'create-user',
    description: 'CreateUser: prints {UserId, UserName, Arn, …}',
    required: [USER],
    optional: [
      ['--display-name <name>', 'display name'],
      ['--comments <text>', 'comments'],
    ],
    run: async (iam, o) =>
      await iam.createUser({
        userName: str(o, 'userName'),
        ...(optStr(o, 'displayName') !== undefined && { displayName: str(o, 'displayName') }),
        ...(optStr(o, 'comments') !== undefined && { comments: str(o, 'comments') }),
      }),
  },
  {
    name: 'get-user',
    description: 'GetUser',
    required: [USER],
    run: async (iam, o) => await iam.getUser(str(o, 'userName')),
  },
  { name: 'list-users', description: 'ListUsers', run: async (iam) => ({ Users: await iam.listUsers() }) },
  {
    name: 'delete-user',
    description: 'DeleteUser (with its access keys and policy attachments)',
    required: [USER],
    run: async (iam, o) => (await iam.deleteUser(str(o, 'userName')), { UserName: str(o, 'userName') }),
  },
  {
    name: 'create-access-key',
    description: 'CreateAccessKey: prints {AccessKeyId, AccessKeySecret, …}',
    required: [USER],
    run: async (iam, o) => await iam.createAccessKey(str(o, 'userName')),
  },
  {
    name: 'list-access-keys',
    description: 'ListAccessKeys',
    required: [USER],
    run: async (iam, o) => ({ AccessKeys: await iam.listAccessKeys(str(o, 'userName')) }),
  },
  {
    name: 'update-access-key',
    description: 'UpdateAccessKey: --status Active|Inactive',
    required: [USER, KEY_ID, ['--status <status>', 'Active or Inactive']],
    run: async (iam, o) => {
      const status = str(o, 'status');
      if (status !== 'Active' && status !== 'Inactive')
        throw new CliError(`--status must be Active or Inactive, not "${status}"`);
      await iam.updateAccessKey(str(o, 'userName'), str(o, 'userAccessKeyId'), status);
      return { AccessKeyId: str(o, 'userAccessKeyId'), Status: status };
    },
  },
  {
    name: 'delete-access-key',
    description: 'DeleteAccessKey',
    required: [USER, KEY_ID],
    run: async (iam, o) => (
      await iam.deleteAccessKey(str(o, 'userName'), str(o, 'userAccessKeyId')),
      { AccessKeyId: str(o, 'userAccessKeyId') }
    ),
  },
  {
    name: 'create-policy',
    description: 'CreatePolicy (custom policy)',
    required: [POLICY, DOC],
    optional: [['--description <text>', 'description']],
    run: async (iam, o) =>
      await iam.createPolicy({
        policyName: str(o, 'policyName'),
        policyDocument: readDocument(str(o, 'policyDocument')),
        ...(optStr(o, 'description') !== undefined && { description: str(o, 'description') }),
      }),
  },
  {
    name: 'get-policy',
    description: 'GetPolicy: prints the policy with its document',
    required: [POLICY],
    optional: [POLICY_TYPE],
    run: async (iam, o) => await iam.getPolicy(str(o, 'policyName'), policyType(o)),
  },
  {
    name: 'create-policy-version',
    description: 'CreatePolicyVersion: replaces the document of a custom policy (always the default version)',
    required: [POLICY, DOC],
    optional: [['--set-as-default', 'accepted for RAM compatibility; the new version is always the default']],
    run: async (iam, o) =>
      await iam.createPolicyVersion(str(o, 'policyName'), readDocument(str(o, 'policyDocument'))),
  },
  {
    name: 'list-policies',
    description: 'ListPolicies',
    optional: [POLICY_TYPE],
    run: async (iam, o) => ({ Policies: await iam.listPolicies(policyType(o)) }),
  },
  {
    name: 'delete-policy',
    description: 'DeletePolicy (refused while attached)',
    required: [POLICY],
    run: async (iam, o) => (
      await iam.deletePolicy(str(o, 'policyName')),
      { PolicyName: str(o, 'policyName') }
    ),
  },
  {
    name: 'attach-policy-to-user',
    description: 'AttachPolicyToUser',
    required: [POLICY, USER],
    optional: [POLICY_TYPE],
    run: async (iam, o) =>
      await iam.attachPolicyToUser(str(o, 'policyName'), str(o, 'userName'), policyType(o)),
  },
  {
    name: 'detach-policy-from-user',
    description: 'DetachPolicyFromUser',
    required: [POLICY, USER],
    optional: [POLICY_TYPE],
    run: async (iam, o) =>
      await iam.detachPolicyFromUser(str(o, 'policyName'), str(o, 'userName'), policyType(o)),
  },
  {
    name: 'list-policies-for-user',
    description: 'ListPoliciesForUser',
    required: [USER],
    run: async (iam, o) => ({ Policies: await iam.listPoliciesForUser(str(o, 'userName')) }),
  },
  {
    name: 'create-role',
    description: 'CreateRole: prints {RoleId, RoleName, Arn, …}',
    required: [
      ROLE,
      ['--assume-role-policy-document <file|json>', 'trust policy: a file, or inline JSON starting with {'],
    ],
    optional: [['--description <text>', 'description']],
    run: async (iam, o) =>
      await iam.createRole({
        roleName: str(o, 'roleName'),
        assumeRolePolicyDocument: readDocument(str(o, 'assumeRolePolicyDocument')),
        ...(optStr(o, 'description') !== undefined && { description: str(o, 'description') }),
      }),
  },
  {
    name: 'get-role',
    description: 'GetRole',
    required: [ROLE],
    run: async (iam, o) => await iam.getRole(str(o, 'roleName')),
  },
  { name: 'list-roles', description: 'ListRoles', run: async (iam) => ({ Roles: await iam.listRoles() }) },
  {
    name: 'delete-role',
    description: 'DeleteRole (with its policy attachments)',
    required: [ROLE],
    run: async (iam, o) => (await iam.deleteRole(str(o, 'roleName')), { RoleName: str(o, 'roleName') }),
  },
  {
    name: 'attach-policy-to-role',
    description: 'AttachPolicyToRole',
    required: [POLICY, ROLE],
    optional: [POLICY_TYPE],
    run: async (iam, o) =>
      await iam.attachPolicyToRole(str(o, 'policyName'), str(o, 'roleName'), policyType(o)),
  },
  {
    name: 'detach-policy-from-role',
    description: 'DetachPolicyFromRole',
    required: [POLICY, ROLE],
    optional: [POLICY_TYPE],
    run: async (iam, o) =>
      await iam.detachPolicyFromRole(str(o, 'policyName'), str(o, 'roleName'), policyType(o)),
  },
  {
    name: 'list-policies-for-role',
    description: 'ListPoliciesForRole',
    required: [ROLE],
    run: async (iam, o) => ({ Policies: await iam.listPoliciesForRole(str(o, 'roleName')) }),
  },
];
