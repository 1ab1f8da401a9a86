import type { Notifications } from '../db/notifications.js';
import { realTimers, type Clock } from '../protocol/clock.js';
import { aclAllows } from './acl.js';
import type { IamDirectory } from './directory.js';
import { roleArn, userArn } from './iam-ids.js';
import { type CompiledPolicy, PolicyCache } from './policy/compile.js';
import { evaluateDetailed, sameForEveryResource } from './policy/evaluator.js';
import type { BucketInfo } from '../store/types.js';
import type {
  AccessKeyRecord,
  Authorizer,
  AuthzRequest,
  Decision,
  Iam,
  Principal,
  RoleRecord,
} from './types.js';

/**
 * How often the service asks the directory whether IAM data changed (another process: the `ossbatch ram`
 * CLI, another node). changeToken() is one tiny read, and doing it at most every 200 ms keeps the hot path
 * (>=5k req/s) at one await per request while still showing changes well within the promised second.
 */
const DEFAULT_RECHECK_MS = 200;
/** Bounds for caches keyed by request input (unknown access key ids must not grow memory without limit). */
const MAX_CACHED_KEYS = 10_000;
const ROLE_ARN = /^(?:arn:)?acs:ram::(\d+):role\/([^/]+)$/i;

/**
 * Cache freshness runs on real monotonic time by default, not on the injected logic clock: a server whose
 * logic clock is a ManualClock (tests crossing 14-day timeouts) must still see CLI changes within a second.
 */
const monotonicClock: Clock = { now: () => performance.now(), ...realTimers };

export interface IamServiceOptions {
  readonly directory: IamDirectory;
  readonly accountId: string;
  /** iam-changed notifications drop the caches at once (this node's admin writes, other nodes'). */
  readonly notifications?: Notifications | undefined;
  /** Change-detection interval (default 200 ms). */
  readonly recheckMs?: number;
  /** Clock for the change-detection interval (default: monotonic real time); tests pass a ManualClock. */
  readonly cacheClock?: Clock;
}

class IamService implements Iam {
  readonly accountId: string;
  private readonly directory: IamDirectory;
  private readonly recheckMs: number;
  private readonly cacheClock: Clock;
  private nextCheckAt = -Infinity;
  private lastCheckAt = -Infinity;
  private readonly keys = new Map<string, AccessKeyRecord | null>();
  private readonly roles = new Map<string, RoleRecord | null>();
  private readonly principalPolicies = new Map<string, readonly CompiledPolicy[] | null>();
  /** Keyed by document text, so it survives cache drops: a given text always compiles the same way. */
  private readonly compiled = new PolicyCache();

  private changeToken: string | undefined;

  constructor(opts: IamServiceOptions) {
    this.directory = opts.directory;
    this.accountId = opts.accountId;
    this.recheckMs = opts.recheckMs ?? DEFAULT_RECHECK_MS;
    this.cacheClock = opts.cacheClock ?? monotonicClock;
    opts.notifications?.subscribe((n) => {
      if (n.kind === 'iam-changed') {
        this.dropCaches();
        // The next lookup re-reads the token too: our caches may hold rows read before this change.
        this.nextCheckAt = -Infinity;
      }
    });
  }

  private dropCaches(): void {
    this.keys.clear();
    this.roles.clear();
    this.principalPolicies.clear();
  }

  /** Drops the caches when IAM data changed anywhere (the directory's change token moved). */
  private async refresh(): Promise<void> {
    const now = this.cacheClock.now();
    if (now < this.nextCheckAt && now >= this.lastCheckAt) return;
    this.lastCheckAt = now;
    this.nextCheckAt = now + this.recheckMs;
    const token = await this.directory.changeToken();
    if (token === this.changeToken) return;
    this.changeToken = token;
    this.dropCaches();
  }

  async findAccessKey(accessKeyId: string): Promise<AccessKeyRecord | undefined> {
    await this.refresh();
    let hit = this.keys.get(accessKeyId);
    if (hit === undefined) {
      hit = (await this.loadAccessKey(accessKeyId)) ?? null;
      if (this.keys.size >= MAX_CACHED_KEYS) this.keys.clear();
      this.keys.set(accessKeyId, hit);
    }
    return hit ?? undefined;
  }

  private async loadAccessKey(accessKeyId: string): Promise<AccessKeyRecord | undefined> {
    const row = await this.directory.findAccessKey(accessKeyId);
    if (!row) return undefined;
    const base = { accessKeyId: row.accessKeyId, secret: row.secret, active: row.active };
    if (row.userId === null)
      return { ...base, principal: { kind: 'root', accountId: this.accountId, accessKeyId } };
    const userName = row.userName ?? '';
    return {
      ...base,
      principal: {
        kind: 'user',
        accountId: this.accountId,
        userId: row.userId,
        userName,
        arn: userArn(this.accountId, userName),
        accessKeyId,
      },
    };
  }

  async findRoleByArn(arn: string): Promise<RoleRecord | undefined> {
    const m = ROLE_ARN.exec(arn.trim());
    if (!m || m[1] !== this.accountId) return undefined;
    const roleName = m[2] ?? '';
    await this.refresh();
    let hit = this.roles.get(roleName.toLowerCase());
    if (hit === undefined) {
      const row = await this.directory.findRole(roleName);
      hit = row
        ? {
            roleId: row.roleId,
            roleName: row.roleName,
            arn: roleArn(this.accountId, row.roleName),
            accountId: this.accountId,
            assumeRolePolicy: row.assumeRolePolicy,
          }
        : null;
      if (this.roles.size >= MAX_CACHED_KEYS) this.roles.clear();
      this.roles.set(roleName.toLowerCase(), hit);
    }
    return hit ?? undefined;
  }

  /** An Allow for sts:AssumeRole naming the service oss.aliyuncs.com, and no Deny of it (spec §8.1). */
  roleTrustsOss(role: RoleRecord): boolean {
    const policy = this.compiled.get(role.assumeRolePolicy, 'trust');
    if (policy instanceof Error) return false;
    let allowed = false;
    for (const s of policy.statements) {
      const service = s.source.principal?.service ?? [];
      if (!s.matchesAction('sts:assumerole') || !service.some((n) => n.toLowerCase() === 'oss.aliyuncs.com'))
        continue;
      if (s.effect === 'Deny') return false;
      allowed = true;
    }
    return allowed;
  }

  roleAsPrincipal(role: RoleRecord): Extract<Principal, { kind: 'role' }> {
    return {
      kind: 'role',
      accountId: role.accountId,
      roleId: role.roleId,
      roleName: role.roleName,
      arn: role.arn,
    };
  }

  /** The caller's compiled RAM policies; `undefined` when a stored one no longer compiles (fail closed). */
  private async identityPolicies(principal: Principal): Promise<readonly CompiledPolicy[] | undefined> {
    if (principal.kind !== 'user' && principal.kind !== 'role') return [];
    // Only this server's account has RAM policies here; another account's principal brings none.
    if (principal.accountId !== this.accountId) return [];
    const [type, id] =
      principal.kind === 'user'
        ? (['User', principal.userId] as const)
        : (['Role', principal.roleId] as const);
    const cacheKey = `${type}:${id}`;
    let hit = this.principalPolicies.get(cacheKey);
    if (hit === undefined) {
      const docs = await this.directory.policyDocuments(type, id);
      // Stored documents were validated on write. One that no longer compiles (edited by hand, or by a
      // newer version) could have carried a Deny: dropping it would fail open, so the caller gets nothing.
      const compiled = docs.map((d) => this.compiled.get(d, 'identity'));
      hit = compiled.some((p) => p instanceof Error) ? null : (compiled as CompiledPolicy[]);
      if (this.principalPolicies.size >= MAX_CACHED_KEYS) this.principalPolicies.clear();
      this.principalPolicies.set(cacheKey, hit);
    }
    return hit ?? undefined;
  }

  /**
   * Spec §10.5 with OSS behaviour:
   * 1. the root of the account owning the resource → allow (root is never denied on its own resources);
   * 2. an explicit Deny in the caller's RAM policies or the bucket policy → deny;
   * 3. an Allow in the caller's RAM policies (only when the caller belongs to the owning account) or in the
   *    bucket policy (statements whose Principal names the caller) → allow;
   * 4. canned ACLs (see acl.ts) → allow; otherwise deny.
   * A stored policy that no longer compiles (PutBucketPolicy and the ram CLI validate on write) denies every
   * caller but the owner's root: it may have held a Deny, and dropping it would fail open.
   * With `grantSource: 'bucket-policy'` only step 3's bucket-policy Allow can grant.
   */
  async authorizerFor(principal: Principal): Promise<Authorizer> {
    await this.refresh();
    const identityPolicies = await this.identityPolicies(principal);
    // The principal is passed beside the request, not spread into a copy of it: the engine calls this once
    // per task and action, and the copy cost 0.5 µs of the ~9 µs per task (bench/jobs.ts --cpu-prof-execute).
    const authorize = (request: Omit<AuthzRequest, 'principal'>): Decision =>
      this.decide(request, principal, identityPolicies);
    authorize.sameForEveryKey = (action: string, bucket: BucketInfo, resourcePrefix: string): boolean =>
      this.sameForEveryKey(principal, identityPolicies, action, bucket, resourcePrefix);
    return authorize;
  }

  /** decide()'s steps, asking only whether the resource past `resourcePrefix` can change the answer. */
  private sameForEveryKey(
    principal: Principal,
    identityPolicies: readonly CompiledPolicy[] | undefined,
    action: string,
    bucket: BucketInfo,
    resourcePrefix: string,
  ): boolean {
    // Root on its own bucket, a policy that no longer compiles: decided before any statement is read.
    if (principal.kind === 'root' && principal.accountId === bucket.owner) return true;
    if (identityPolicies === undefined) return true;
    let bucketPolicy: CompiledPolicy | undefined;
    if (bucket.policy) {
      const compiled = this.compiled.get(bucket.policy, 'bucket');
      if (compiled instanceof Error) return true;
      bucketPolicy = compiled;
    }
    // The ACL step reads the bucket's ACL and the object's (none here), never the key.
    return sameForEveryResource([...identityPolicies, bucketPolicy], action, resourcePrefix);
  }

  async authorize(request: AuthzRequest): Promise<Decision> {
    return (await this.authorizerFor(request.principal))(request);
  }

  private decide(
    request: Omit<AuthzRequest, 'principal'>,
    principal: Principal,
    identityPolicies: readonly CompiledPolicy[] | undefined,
  ): Decision {
    const { bucket } = request;
    const owner = bucket?.owner ?? request.resourceOwner ?? this.accountId;
    if (principal.kind === 'root' && principal.accountId === owner) return 'allow';
    let bucketPolicy: CompiledPolicy | undefined;
    if (bucket?.policy) {
      const compiled = this.compiled.get(bucket.policy, 'bucket');
      if (compiled instanceof Error) return 'deny';
      bucketPolicy = compiled;
    }
    if (identityPolicies === undefined) return 'deny';
    const detail = evaluateDetailed({
      identityPolicies,
      bucketPolicy,
      principal,
      action: request.action,
      resource: request.resource,
      context: request.context,
    });
    if (detail.deny) return 'deny';
    if (request.grantSource === 'bucket-policy') return detail.bucketAllow ? 'allow' : 'deny';
    const sameAccount = principal.kind !== 'anonymous' && principal.accountId === owner;
    if ((detail.identityAllow && sameAccount) || detail.bucketAllow) return 'allow';
    if (bucket && aclAllows(request.action.toLowerCase(), bucket.acl, request.objectAcl)) return 'allow';
    return 'deny';
  }
}

/** The IAM service over the directory port (caches, change detection, the evaluator). */
export function createIamService(opts: IamServiceOptions): Iam {
  return new IamService(opts);
}
