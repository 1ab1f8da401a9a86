import { accessDenied } from '../../protocol/oss-error.js';
import type { AuthorizedCaller, JobAction, JobCaller, JobsServiceDeps } from './types.js';

/** Tickets this module issued: a service operation accepts no hand-made AuthorizedCaller. */
const issued = new WeakSet<AuthorizedCaller>();

/**
 * Authorises the caller for `action` and returns the account whose jobs it may see. The job APIs are
 * account-level, so the resource is `acs:oss:<region>:<account>:*` (spec §8.2, gap 18: "Resource":"*"
 * and "acs:oss:*:*:*" both grant). Root is always allowed by the evaluator; anonymous never is.
 * Spec §8.2 [DOC] also lets a bucket policy grant these actions ("RAM Policy or Bucket Policy") although
 * the APIs name no bucket: a policy on any bucket the account owns that allows the action to the caller
 * on that bucket grants it (an explicit Deny, in RAM or in that bucket policy, never grants).
 */
export async function authorizeJobAction(
  deps: JobsServiceDeps,
  caller: JobCaller,
  action: JobAction,
): Promise<AuthorizedCaller> {
  const { principal } = caller;
  if (principal.kind === 'anonymous')
    throw accessDenied(`Anonymous requests cannot call ${action.slice(4)}.`);
  const accountId = principal.accountId;
  const decision = await deps.iam.authorize({
    principal,
    action,
    resource: `acs:oss:${deps.region}:${accountId}:*`,
    resourceOwner: accountId,
    context: caller.context,
  });
  if (decision !== 'allow' && !(await bucketPolicyGrants(deps, caller, action, accountId)))
    throw accessDenied(`You are not allowed to perform ${action} on the jobs of account ${accountId}.`);
  const ticket: AuthorizedCaller = { principal, context: caller.context, accountId, action };
  issued.add(ticket);
  return ticket;
}

async function bucketPolicyGrants(
  deps: JobsServiceDeps,
  caller: JobCaller,
  action: JobAction,
  accountId: string,
): Promise<boolean> {
  for (const bucket of await deps.store.listBuckets(accountId)) {
    if (bucket.policy === null) continue;
    const decision = await deps.iam.authorize({
      principal: caller.principal,
      action,
      resource: `acs:oss:${deps.region}:${accountId}:${bucket.name}`,
      bucket,
      context: caller.context,
      // Only the bucket policy may grant here: a RAM Allow scoped to this bucket is not a job-API grant.
      grantSource: 'bucket-policy',
    });
    if (decision === 'allow') return true;
  }
  return false;
}

/** A programming error (not a client one) when an operation gets a ticket for another action. */
export function requireTicket(who: AuthorizedCaller, action: JobAction): string {
  if (!issued.has(who) || who.action !== action)
    throw new Error(`${action} needs a caller authorised for it by JobsService.authorize`);
  return who.accountId;
}
