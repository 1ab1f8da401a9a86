import type { Job, JobSummary } from '../client/types.js';
import { parseCreateJobRequest } from '../jobs/create-job-request.js';
import { decodeListToken, encodeListToken } from '../jobs/list-token.js';
import type { JobStatus } from '../jobs/model.js';
import { parsePriority } from '../jobs/oss-codec/update-job-priority.js';
import type { JobAction, JobsService } from '../jobs/service/index.js';
import { isTerminal, requestedStatusOutcome } from '../jobs/status-table.js';
import type { Clock } from '../protocol/clock.js';
import { isOssError } from '../protocol/oss-error.js';
import type { SignedIn } from './auth.js';
import { jobSummaryView, jobView } from './job-view.js';

/** One page of the jobs list, as the console shows it (100 jobs, the wire's default page size). */
const PAGE_SIZE = 100;

/**
 * The console's view of the five job operations: the jobs service the wire codec calls too, invoked
 * in-process as the signed-in principal (no XML round trip), so authorisation (RAM and bucket-policy
 * grants) and validation are identical to the wire. Failures are the service's OssErrors.
 */
export class ConsoleJobs {
  constructor(
    private readonly service: JobsService,
    private readonly clock: Clock,
    private readonly who: SignedIn,
  ) {}

  private authorize(action: JobAction) {
    return this.service.authorize(this.who, action);
  }

  async list(
    statuses: readonly JobStatus[],
    token?: string,
  ): Promise<{ jobs: JobSummary[]; nextToken?: string | undefined }> {
    const who = await this.authorize('oss:ListJobs');
    const after = token === undefined || token === '' ? undefined : decodeListToken(token);
    const page = await this.service.listJobs(who, {
      statuses: statuses.length > 0 ? statuses : undefined,
      maxKeys: PAGE_SIZE,
      after,
    });
    const now = this.clock.now();
    const jobs = page.jobs.map((j) => jobSummaryView(j, now));
    // ListJobs already answers newest first (spec §4); sort again so the page never depends on it.
    jobs.sort((a, b) => b.creationTime - a.creationTime);
    return { jobs, nextToken: page.next ? encodeListToken(page.next) : undefined };
  }

  async describe(jobId: string): Promise<Job> {
    const who = await this.authorize('oss:DescribeJob');
    return jobView(await this.service.describeJob(who, jobId), this.clock.now());
  }

  /** The create form is built as a CreateJob document (src/console/create-form.ts); parsed as the wire parses it. */
  async create(xmlBody: string): Promise<string> {
    const who = await this.authorize('oss:CreateJob');
    const { job } = await this.service.createJob(who, parseCreateJobRequest(xmlBody));
    return job.jobId;
  }

  async updateStatus(jobId: string, status: 'Ready' | 'Cancelled', reason?: string): Promise<void> {
    const who = await this.authorize('oss:UpdateJobStatus');
    await this.service.updateJobStatus(who, jobId, status, reason === '' ? undefined : reason);
  }

  async updatePriority(jobId: string, priority: string): Promise<void> {
    const who = await this.authorize('oss:UpdateJobPriority');
    await this.service.updateJobPriority(who, jobId, parsePriority(priority));
  }
}

/** What the signed-in principal may do to a job, as the job page shows it. */
export interface JobActions {
  readonly confirm: boolean;
  readonly cancel: boolean;
  readonly priority: boolean;
}

export interface Permissions {
  readonly updateStatus: boolean;
  readonly updatePriority: boolean;
  readonly createJob: boolean;
}

/**
 * The principal's job permissions, decided by the jobs service's own authorisation (RAM policies and
 * bucket-policy grants, spec §8.2), so a button shows exactly when the wire would accept the call.
 */
export async function permissionsOf(service: JobsService, who: SignedIn): Promise<Permissions> {
  const allowed = async (action: JobAction): Promise<boolean> => {
    try {
      await service.authorize(who, action);
      return true;
    } catch (err) {
      if (isOssError(err) && err.code === 'AccessDenied') return false;
      throw err;
    }
  };
  const [updateStatus, updatePriority, createJob] = await Promise.all([
    allowed('oss:UpdateJobStatus'),
    allowed('oss:UpdateJobPriority'),
    allowed('oss:CreateJob'),
  ]);
  return { updateStatus, updatePriority, createJob };
}

/** Confirm/Cancel need both the permission and a transition the status table allows (spec §6). */
export function jobActions(status: JobStatus, perms: Permissions): JobActions {
  return {
    confirm: perms.updateStatus && requestedStatusOutcome(status, 'Ready').ok,
    cancel: perms.updateStatus && requestedStatusOutcome(status, 'Cancelled').ok,
    // UpdateJobPriority refuses a finished job (spec §5): no editor that cannot work (issue 11).
    priority: perms.updatePriority && !isTerminal(status),
  };
}
