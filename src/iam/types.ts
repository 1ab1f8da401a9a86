import type { BucketInfo, ObjectAcl } from '../store/types.js';

/** Who is making a request, after signature verification. */
export type Principal =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'root'; readonly accountId: string; readonly accessKeyId: string }
  | {
      readonly kind: 'user';
      readonly accountId: string;
      readonly userId: string;
      readonly userName: string;
      /** acs:ram::<account>:user/<name> */
      readonly arn: string;
      readonly accessKeyId: string;
    }
  | {
      /** A batch job acting as its RAM role. */
      readonly kind: 'role';
      readonly accountId: string;
      readonly roleId: string;
      readonly roleName: string;
      /** acs:ram::<account>:role/<name> */
      readonly arn: string;
    };

/** Request facts that policy conditions can test (spec §10.4). */
export interface RequestContext {
  readonly sourceIp?: string | undefined;
  readonly secureTransport: boolean;
  /** ms since epoch */
  readonly currentTime: number;
  readonly userAgent?: string | undefined;
  readonly referer?: string | undefined;
  /** Further condition keys, e.g. `oss:Prefix`, `oss:Delimiter`, `oss:x-oss-object-acl`. Lower-cased names. */
  readonly keys?: Readonly<Record<string, string>>;
}

/** What one authorisation decision is about. */
export interface AuthzRequest {
  readonly principal: Principal;
  /** e.g. `oss:GetObject` */
  readonly action: string;
  /** e.g. `acs:oss:cn-hangzhou:1234:bucket/key`, `acs:oss:cn-hangzhou:1234:bucket`, `acs:oss:cn-hangzhou:1234:*` */
  readonly resource: string;
  /** Target bucket (owner, ACL, bucket policy); absent for service-level actions. */
  readonly bucket?: BucketInfo | undefined;
  /** Object ACL for object-level actions on an existing object. */
  readonly objectAcl?: ObjectAcl | undefined;
  /** Account owning the resource for service-level actions (the caller's own account for the job APIs). */
  readonly resourceOwner?: string | undefined;
  readonly context: RequestContext;
  /**
   * `bucket-policy`: only an Allow in this bucket's policy may grant (RAM-policy Allows and ACLs do not),
   * explicit Denies still apply. For account-level actions a bucket policy can grant (the job APIs, spec §8.2),
   * where a RAM Allow scoped to one bucket must not turn into rights over the whole account.
   */
  readonly grantSource?: 'any' | 'bucket-policy' | undefined;
}

export type Decision = 'allow' | 'deny';

/** Access key lookup result. */
export interface AccessKeyRecord {
  readonly accessKeyId: string;
  readonly secret: string;
  readonly active: boolean;
  readonly principal: Exclude<Principal, { kind: 'anonymous' } | { kind: 'role' }>;
}

export interface RoleRecord {
  readonly roleId: string;
  readonly roleName: string;
  readonly arn: string;
  readonly accountId: string;
  /** Assume-role policy document (JSON text). */
  readonly assumeRolePolicy: string;
}

/** A decision function bound to one principal whose RAM policies are already loaded (synchronous). */
export interface Authorizer {
  (request: Omit<AuthzRequest, 'principal'>): Decision;
  /**
   * True when, for `action` on `bucket`'s objects, the decision is the same for every resource
   * `resourcePrefix + key` (same context, no object ACL): one decision per bucket then stands for all its
   * keys. False when it may depend on the key (a Resource naming some keys of the bucket) or is unknown.
   */
  sameForEveryKey(action: string, bucket: BucketInfo, resourcePrefix: string): boolean;
}

/**
 * The IAM service the HTTP layer, the jobs service and the engine use (iam/iam-service.ts), over the
 * IamDirectory port. It caches and notices changes made by `ossbatch ram` (another process) or another
 * node within a second.
 */
export interface Iam {
  readonly accountId: string;
  findAccessKey(accessKeyId: string): Promise<AccessKeyRecord | undefined>;
  /** Accepts `acs:ram::<account>:role/<name>` with an optional `arn:` prefix. */
  findRoleByArn(arn: string): Promise<RoleRecord | undefined>;
  /** True when the role's trust policy lets the OSS service (`oss.aliyuncs.com`) assume it. */
  roleTrustsOss(role: RoleRecord): boolean;
  roleAsPrincipal(role: RoleRecord): Extract<Principal, { kind: 'role' }>;
  /**
   * Loads the principal's RAM policies (cached) and returns a synchronous decision function for it: hot
   * paths (one request's several checks, a batch of 1000 tasks) pay one await, not one per decision.
   */
  authorizerFor(principal: Principal): Promise<Authorizer>;
  /** The whole decision: RAM policies, bucket policy, ACLs, root ownership (spec §10.5). */
  authorize(request: AuthzRequest): Promise<Decision>;
}
