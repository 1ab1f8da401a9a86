import { newJobId } from '../../protocol/ids.js';
import { invalidArgument, OssError } from '../../protocol/oss-error.js';
import { MAX_PRIORITY, requestHash } from '../create-job-request.js';
import { checkJobReferences } from '../job-references.js';
import type { JobRecord } from '../model.js';
import { charCount } from '../request-fields.js';
import { isTerminal, requestedStatusOutcome, type RequestableStatus } from '../status-table.js';
import { authorizeJobAction, requireTicket } from './authorize.js';
import type { AuthorizedCaller, JobsService, JobsServiceDeps, ListJobsResult } from './types.js';

/** Spec §6 / §15. */
export const MAX_REASON_CHARS = 256;
/** Spec §4 / §15. */
export const MAX_MAX_KEYS = 1000;
/** Job ids are exact-match strings (spec §7.1); anything outside base64's alphabet or absurdly long is malformed. */
const JOB_ID_RE = /^[A-Za-z0-9+/=]{1,128}$/;

export const noSuchJob = (jobId: string): OssError =>
  new OssError('NoSuchJob', `The specified job ${jobId} does not exist.`, { details: { JobId: jobId } });

/** The typed inputs every transport hands over are checked here once, with the wire's messages. */
export function checkJobId(id: string): string {
  if (id === '') throw new OssError('MissingArgument', 'The batchJobId parameter is required.');
  if (!JOB_ID_RE.test(id))
    throw invalidArgument(`The batchJobId ${JSON.stringify(id.slice(0, 64))} is not a valid job id.`);
  return id;
}

export function checkPriority(n: number, raw: string = String(n)): number {
  if (!(Number.isInteger(n) && n >= 0 && n <= MAX_PRIORITY)) {
    throw invalidArgument(
      `The targetPriority ${JSON.stringify(raw.slice(0, 32))} is invalid; it must be an integer from 0 to ${MAX_PRIORITY}.`,
    );
  }
  return n;
}

export function checkReason(reason: string | undefined): string | undefined {
  if (reason === undefined) return undefined;
  const n = charCount(reason);
  if (n < 1 || n > MAX_REASON_CHARS) {
    throw invalidArgument(
      `The statusUpdateReason must be 1 to ${MAX_REASON_CHARS} characters long; got ${n}.`,
    );
  }
  return reason;
}

/** The jobs service over the JobRepo port (jobs/service/types.ts). */
export function createJobsService(deps: JobsServiceDeps): JobsService {
  const notify = (jobId: string): void => {
    try {
      deps.onChange?.(jobId);
    } catch {
      // A committed change never turns into a failed reply: the engines also tick, a missed wake only delays.
    }
  };
  /** Another account's job is indistinguishable from a missing one (no probing across accounts). */
  const load = async (accountId: string, jobId: string): Promise<JobRecord> => {
    const job = await deps.repo.getJob(accountId, checkJobId(jobId));
    if (job === undefined) throw noSuchJob(jobId);
    return job;
  };
  return {
    authorize: (caller, action) => authorizeJobAction(deps, caller, action),

    /** CreateJob (spec §2): check the role and buckets, then commit the New row before replying. */
    async createJob(who, spec) {
      const accountId = requireTicket(who, 'oss:CreateJob');
      checkPriority(spec.priority);
      await checkJobReferences(spec, accountId, deps);
      const result = await deps.repo.createJob({
        jobId: newJobId(),
        accountId,
        spec,
        requestHash: requestHash(spec),
        now: deps.clock.now(),
      });
      if (result.created) notify(result.job.jobId);
      return result;
    },

    describeJob: async (who, jobId) =>
      withNotice(deps, await load(requireTicket(who, 'oss:DescribeJob'), jobId)),

    /** ListJobs (spec §4): newest first, keyset-paged; `next` only when more jobs remain. */
    async listJobs(who, { statuses, maxKeys, after }): Promise<ListJobsResult> {
      const accountId = requireTicket(who, 'oss:ListJobs');
      if (!(Number.isInteger(maxKeys) && maxKeys >= 1 && maxKeys <= MAX_MAX_KEYS))
        throw invalidArgument(
          `The max-keys value ${maxKeys} is invalid; it must be an integer from 1 to ${MAX_MAX_KEYS}.`,
        );
      // One extra row tells whether another page exists without a COUNT.
      const rows = await deps.repo.listJobs({ accountId, statuses, after, limit: maxKeys + 1 });
      const jobs = rows.slice(0, maxKeys).map((j) => withNotice(deps, j));
      const last = jobs[jobs.length - 1];
      const next =
        rows.length > maxKeys && last ? { createdAt: last.createdAt, jobId: last.jobId } : undefined;
      return { jobs, next };
    },

    /**
     * UpdateJobPriority (spec §5): any non-terminal job; a finished one → 400 InvalidRequest (changing a
     * finished job's priority means nothing and would only bump its version).
     */
    async updateJobPriority(who, jobId, priority) {
      const accountId = requireTicket(who, 'oss:UpdateJobPriority');
      checkJobId(jobId);
      checkPriority(priority);
      const updated = await deps.repo.setPriority(accountId, jobId, priority);
      if (updated === undefined) {
        const job = await load(accountId, jobId); // NoSuchJob when it is not there
        throw new OssError(
          'InvalidRequest',
          `The job status is ${job.status} and its priority can no longer be changed.`,
        );
      }
      notify(jobId);
      return updated;
    },

    /**
     * UpdateJobStatus (spec §6): Ready or Cancelled, decided by the status table; applied compare-and-set.
     * If the engine moved the job between our read and our write, we re-read and decide again once — the
     * second decision sees the new status (e.g. Preparing became Suspended, so Ready now means → Ready).
     */
    async updateJobStatus(who, jobId, requested, reason) {
      const accountId = requireTicket(who, 'oss:UpdateJobStatus');
      checkJobId(jobId);
      checkReason(reason);
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const updated = await tryUpdate(deps, await load(accountId, jobId), requested, reason);
        if (updated) {
          notify(jobId);
          return updated;
        }
      }
      throw new OssError(
        'ServiceUnavailable',
        'The job status changed while the request was applied; retry the request.',
      );
    },
  };
}

async function tryUpdate(
  deps: JobsServiceDeps,
  job: JobRecord,
  requested: RequestableStatus,
  reason: string | undefined,
): Promise<JobRecord | undefined> {
  const outcome = requestedStatusOutcome(job.status, requested);
  if (!outcome.ok) throw new OssError('InvalidRequest', outcome.message);
  if (outcome.preConfirm) return deps.repo.markPreConfirmed(job.jobId, reason);
  return deps.repo.transition({
    jobId: job.jobId,
    from: [job.status],
    to: outcome.to,
    now: deps.clock.now(),
    reason,
  });
}

export type { AuthorizedCaller };

/**
 * The job as DescribeJob / ListJobs show it: while the engine holds it back (waiting for disk space) its
 * notice replaces the stored StatusUpdateReason (issue 12); it is never stored, since the full disk could
 * not take that write.
 */
function withNotice(deps: JobsServiceDeps, job: JobRecord): JobRecord {
  if (isTerminal(job.status)) return job;
  const notice = deps.notice?.(job.jobId);
  return notice === undefined ? job : { ...job, statusUpdateReason: notice };
}
