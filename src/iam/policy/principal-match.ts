import type { Principal } from '../types.js';
import { rootArn } from '../iam-ids.js';
import type { PrincipalSpec } from './document.js';

export type PrincipalMatcher = (principal: Principal) => boolean;

/**
 * The names a caller answers to in a bucket policy's Principal (compared lower-cased):
 * - RAM user: its UserId (as OSS writes it) and its ARN acs:ram::<account>:user/<name>;
 * - role (a batch job): its RoleId and its ARN acs:ram::<account>:role/<name>;
 * - root: its account id and acs:ram::<account>:root. An account id names the root only, not the
 *   account's RAM users: granting a whole account's users through a bucket policy would bypass the
 *   account's own RAM policies, so we take the least-privilege reading;
 * - anonymous: nothing, so only `*` matches it.
 */
export function principalNames(principal: Principal): readonly string[] {
  switch (principal.kind) {
    case 'user':
      return [principal.userId, principal.arn.toLowerCase()];
    case 'role':
      return [principal.roleId, principal.arn.toLowerCase()];
    case 'root':
      return [principal.accountId, rootArn(principal.accountId)];
    case 'anonymous':
      return [];
  }
}

export function compilePrincipal(spec: PrincipalSpec): PrincipalMatcher {
  if (spec.any) return () => true;
  const names = new Set(spec.ram.map((n) => n.replace(/^arn:/i, '').toLowerCase()));
  return (principal) => principalNames(principal).some((n) => names.has(n));
}
