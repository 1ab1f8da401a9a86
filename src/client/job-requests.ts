import { createHash } from 'node:crypto';
import type { OssRequest } from './transport.js';
import type { JobStatus, ListJobsOptions } from './types.js';

/**
 * The five batch-job requests exactly as ali-oss sends them through `client.request()` (real-clients
 * §1.3/§1.5): service-level (no bucket), the sub-resource (`batchJob`, …) signed, the parameters in `query`.
 * `continuation-token` is a signed sub-resource (it is on the V1 allow-list, spec §9.4).
 */
export function createJobRequest(xml: string): OssRequest {
  const body = Buffer.from(xml, 'utf8');
  return {
    method: 'POST',
    subresources: { batchJob: '' },
    headers: {
      'content-type': 'application/xml',
      'content-md5': createHash('md5').update(body).digest('base64'),
    },
    body,
  };
}

export function describeJobRequest(jobId: string): OssRequest {
  return { method: 'GET', subresources: { batchJob: '' }, query: { batchJobId: jobId } };
}

export function listJobsRequest(opts: ListJobsOptions = {}): OssRequest {
  const query: Record<string, string> = {};
  if (opts.statuses !== undefined) {
    query['batchJobStatuses'] = typeof opts.statuses === 'string' ? opts.statuses : opts.statuses.join('|');
  }
  if (opts.maxKeys !== undefined) query['max-keys'] = String(opts.maxKeys);
  const subresources: Record<string, string> = { batchJob: '' };
  if (opts.continuationToken !== undefined) subresources['continuation-token'] = opts.continuationToken;
  return { method: 'GET', subresources, query };
}

export function updateJobPriorityRequest(jobId: string, priority: number): OssRequest {
  return {
    method: 'POST',
    subresources: { batchJobPriority: '' },
    query: { batchJobId: jobId, targetPriority: String(priority) },
  };
}

export function updateJobStatusRequest(
  jobId: string,
  status: Extract<JobStatus, 'Ready' | 'Cancelled'>,
  reason?: string,
): OssRequest {
  const query: Record<string, string> = { batchJobId: jobId, requestedJobStatus: status };
  if (reason !== undefined) query['statusUpdateReason'] = reason;
  return { method: 'POST', subresources: { batchJobStatus: '' }, query };
}

/** ossbatch's RetryJob extension (docs/api.md): not an OSS API; only an ossbatch server answers it. */
export function retryJobRequest(jobId: string): OssRequest {
  return { method: 'POST', subresources: { batchJobRetry: '' }, query: { batchJobId: jobId } };
}
