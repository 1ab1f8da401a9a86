import type { HttpDeps } from '../http/context.js';
import { serviceResource } from '../iam/resources.js';
import type { SignedIn } from './auth.js';

/** What the create form offers to pick from (as datalists: typing anything else stays possible). */
export interface CreateChoices {
  readonly buckets: readonly string[];
  readonly roleArns: readonly string[];
}

/**
 * The buckets and roles the signed-in principal can see: its account's buckets when it may
 * oss:ListBuckets, the account's role ARNs when it may ram:ListRoles (root may do both) — the same
 * evaluator as the wire, so the form never shows what ListBuckets would refuse.
 */
export async function createChoices(deps: HttpDeps, who: SignedIn): Promise<CreateChoices> {
  const p = who.principal;
  const allowed = async (action: string, resource: string): Promise<boolean> =>
    (await deps.iam.authorize({
      principal: p,
      action,
      resource,
      resourceOwner: p.accountId,
      context: who.context,
    })) === 'allow';
  const buckets = (await allowed('oss:ListBuckets', serviceResource(deps.region, p.accountId)))
    ? (await deps.store.listBuckets(p.accountId)).map((b) => b.name)
    : [];
  const roleArns =
    deps.listRoleArns !== undefined && (await allowed('ram:ListRoles', `acs:ram::${p.accountId}:role/*`))
      ? await deps.listRoleArns()
      : [];
  return { buckets, roleArns };
}
