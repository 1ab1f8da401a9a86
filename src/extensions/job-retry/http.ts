import type { OpContext } from '../../http/context.js';
import { xmlResponse, type OssResponse } from '../../http/response.js';
import { invalidArgument, OssError } from '../../protocol/oss-error.js';
import { toXml } from '../../protocol/xml.js';
import type { RetryOutcome } from './retry-job.js';

/** The reply body of `POST /?batchJobRetry&batchJobId=<JobId>` (docs/api.md, "ossbatch extensions"). */
export function retryResultXml(r: RetryOutcome): string {
  return toXml('RetryJobResult', {
    JobId: r.jobId,
    SourceJobId: r.sourceJobId,
    FailedTasks: r.failedTasks,
    UnrunTasks: r.unrunTasks,
    Manifest: { Bucket: r.manifest.bucket, Object: r.manifest.key, ETag: r.manifest.etag },
  });
}

/** The HTTP entry of the RetryJob extension; the work and every permission check are in retry-job.ts. */
export async function retryJobHandler(ctx: OpContext): Promise<OssResponse> {
  const retry = ctx.deps.retryJob;
  if (retry === undefined) throw new OssError('InvalidRequest', 'RetryJob is not enabled on this server.');
  const jobId = ctx.target.query.get('batchJobId');
  if (jobId === undefined || jobId === '') throw invalidArgument('batchJobId is required.');
  const outcome = await retry({ principal: ctx.principal, context: ctx.authContext }, jobId);
  return xmlResponse(retryResultXml(outcome));
}
