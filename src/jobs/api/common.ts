import { accessDenied, invalidArgument, OssError } from '../../protocol/oss-error.js';
import type { JobRecord } from '../model.js';
import { isTerminal } from '../status-table.js';
import type { JobApiHandler, JobApiRequest, JobsApiDeps } from './types.js';

export type JobAction =
  'oss:CreateJob' | 'oss:DescribeJob' | 'oss:ListJobs' | 'oss:UpdateJobPriority' | 'oss:UpdateJobStatus';

/**
 * Authorises the caller for `action` and returns the account whose jobs it may see. The job APIs are
 * account-level, so the resource is `acs:oss:<region>:<account>:*` (spec §8.2, gap 18: "Resource":"*"
 * and "acs:oss:*:*:*" both grant). Root is always allowed by the evaluator; anonymous never is.
 * Spec §8.2 [DOC] also lets a bucket policy grant these actions ("RAM Policy or Bucket Policy") although
 * the APIs name no bucket: a policy on any bucket the account owns that allows the action to the caller
 * on that bucket grants it (an explicit Deny, in RAM or in that bucket policy, never grants).
 */
export async function authorizeJobAction(
  deps: JobsApiDeps,
  req: JobApiRequest,
  action: JobAction,
): Promise<string> {
  const { principal } = req;
  if (principal.kind === 'anonymous')
    throw accessDenied(`Anonymous requests cannot call ${action.slice(4)}.`);
  const accountId = principal.accountId;
  const decision = deps.iam.authorize({
    principal,
    action,
    resource: `acs:oss:${deps.region}:${accountId}:*`,
    resourceOwner: accountId,
    context: req.context,
  });
  if (decision !== 'allow' && !(await bucketPolicyGrants(deps, req, action, accountId)))
    throw accessDenied(`You are not allowed to perform ${action} on the jobs of account ${accountId}.`);
  return accountId;
}

async function bucketPolicyGrants(
  deps: JobsApiDeps,
  req: JobApiRequest,
  action: JobAction,
  accountId: string,
): Promise<boolean> {
  for (const bucket of await deps.store.listBuckets(accountId)) {
    if (bucket.policy === null) continue;
    const decision = deps.iam.authorize({
      principal: req.principal,
      action,
      resource: `acs:oss:${deps.region}:${accountId}:${bucket.name}`,
      bucket,
      context: req.context,
      // Only the bucket policy may grant here: a RAM Allow scoped to this bucket is not a job-API grant.
      grantSource: 'bucket-policy',
    });
    if (decision === 'allow') return true;
  }
  return false;
}

/** Job ids are exact-match strings (spec §7.1); anything outside base64's alphabet or absurdly long is malformed. */
const JOB_ID_RE = /^[A-Za-z0-9+/=]{1,128}$/;

export function requireJobId(query: ReadonlyMap<string, string>): string {
  const id = query.get('batchJobId');
  if (id === undefined || id === '')
    throw new OssError('MissingArgument', 'The batchJobId parameter is required.');
  if (!JOB_ID_RE.test(id))
    throw invalidArgument(`The batchJobId ${JSON.stringify(id.slice(0, 64))} is not a valid job id.`);
  return id;
}

/** Another account's job is indistinguishable from a missing one (no probing across accounts). */
export function loadJob(deps: JobsApiDeps, accountId: string, jobId: string): JobRecord {
  const job = deps.repo.getJob(accountId, jobId);
  if (job === undefined) throw noSuchJob(jobId);
  return job;
}

export const noSuchJob = (jobId: string): OssError =>
  new OssError('NoSuchJob', `The specified job ${jobId} does not exist.`, { details: { JobId: jobId } });

/** The job as DescribeJob / ListJobs show it: an engine notice (waiting for space) overrides the stored reason. */
export function withNotice(deps: JobsApiDeps, job: JobRecord): JobRecord {
  if (isTerminal(job.status)) return job;
  const notice = deps.notice?.(job.jobId);
  return notice === undefined ? job : { ...job, statusUpdateReason: notice };
}

/** The engine listener must never turn a committed change into a failed reply. */
export function notifyChange(deps: JobsApiDeps, jobId: string): void {
  try {
    deps.onChange?.(jobId);
  } catch {
    // The engine also polls; a missed wake-up only delays it.
  }
}

/**
 * Authorises `action` (asynchronously: bucket policies live in the store), then runs the synchronous
 * operation (the repo is synchronous SQLite); any throw becomes a rejected promise.
 */
export const jobHandler =
  (
    deps: JobsApiDeps,
    action: JobAction,
    run: (req: JobApiRequest, accountId: string) => string,
  ): JobApiHandler =>
  async (req) =>
    run(req, await authorizeJobAction(deps, req, action));
