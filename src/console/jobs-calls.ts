import { parseJob, parseJobList } from '../client/job-parse.js';
import type { Job, JobSummary } from '../client/types.js';
import { parseXml, rootOf, str } from '../client/xml-response.js';
import type { JobsApiPort } from '../http/context.js';
import { serviceResource } from '../iam/resources.js';
import type { Iam } from '../iam/types.js';
import type { JobStatus } from '../jobs/model.js';
import { isTerminal, requestedStatusOutcome } from '../jobs/status-table.js';
import type { SignedIn } from './auth.js';

/**
 * The console's view of the five job APIs: the very handlers the wire calls (src/jobs/api), invoked
 * in-process as the signed-in principal, so authorisation and validation are identical to the wire.
 * Failures are the OssErrors those handlers throw.
 */
export class ConsoleJobs {
  constructor(
    private readonly api: JobsApiPort,
    private readonly who: SignedIn,
  ) {}

  private call(op: keyof JobsApiPort, query: Record<string, string | undefined>, body = ''): Promise<string> {
    const q = new Map<string, string>();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, v);
    return this.api[op]({
      principal: this.who.principal,
      query: q,
      body: Buffer.from(body, 'utf8'),
      context: this.who.context,
    });
  }

  async list(
    statuses: readonly JobStatus[],
    token?: string,
  ): Promise<{ jobs: JobSummary[]; nextToken?: string | undefined }> {
    const xml = await this.call('listJobs', {
      batchJob: '',
      'max-keys': '100',
      batchJobStatuses: statuses.length > 0 ? statuses.join('|') : undefined,
      'continuation-token': token,
    });
    const page = parseJobList(rootOf(parseXml(xml), 'ListJobsResult'));
    // ListJobs already answers newest first (spec §4); sort again so the page never depends on it.
    page.jobs.sort((a, b) => b.creationTime - a.creationTime);
    return page;
  }

  async describe(jobId: string): Promise<Job> {
    const xml = await this.call('describeJob', { batchJob: '', batchJobId: jobId });
    return parseJob(rootOf(parseXml(xml), 'DescribeJobResult'));
  }

  async create(xmlBody: string): Promise<string> {
    const xml = await this.call('createJob', { batchJob: '' }, xmlBody);
    return str(rootOf(parseXml(xml), 'CreateJobResult'), 'JobId') ?? '';
  }

  async updateStatus(jobId: string, status: 'Ready' | 'Cancelled', reason?: string): Promise<void> {
    await this.call('updateJobStatus', {
      batchJobStatus: '',
      batchJobId: jobId,
      requestedJobStatus: status,
      statusUpdateReason: reason === '' ? undefined : reason,
    });
  }

  async updatePriority(jobId: string, priority: string): Promise<void> {
    await this.call('updateJobPriority', {
      batchJobPriority: '',
      batchJobId: jobId,
      targetPriority: priority,
    });
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

/** The principal's account-level job permissions, by the same evaluator and resource as src/jobs/api/common.ts. */
export function permissionsOf(iam: Iam, region: string, who: SignedIn): Permissions {
  const p = who.principal;
  const allowed = (action: string): boolean =>
    iam.authorize({
      principal: p,
      action,
      resource: serviceResource(region, p.accountId),
      resourceOwner: p.accountId,
      context: who.context,
    }) === 'allow';
  return {
    updateStatus: allowed('oss:UpdateJobStatus'),
    updatePriority: allowed('oss:UpdateJobPriority'),
    createJob: allowed('oss:CreateJob'),
  };
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
