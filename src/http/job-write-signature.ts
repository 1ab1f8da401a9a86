import type { IncomingMessage } from 'node:http';
import { accessDenied } from '../protocol/oss-error.js';
import type { RequestTarget } from '../protocol/request-target.js';
import { signatureKind } from '../protocol/signature-kind.js';

/** `--job-write-signature`: `any` (default, compatible) or `v4` (job writes must be V4-signed). */
export type JobWriteSignature = 'v4' | 'any';

/**
 * OSS V1 signs only sub-resource names, not `batchJobId`, `requestedJobStatus` or `targetPriority`, so a
 * captured V1 job write can be replayed for 15 minutes with other values (issue 12: a request signed for an
 * unknown job, replayed with Cancelled against a real one, cancels it). V4 signs the whole query. With
 * `v4` the three job-changing APIs refuse V1 (header or presigned) before anything is read or changed.
 */
const JOB_WRITES = new Set(['CreateJob', 'UpdateJobPriority', 'UpdateJobStatus']);

export function checkJobWriteSignature(
  setting: JobWriteSignature,
  operation: string,
  req: IncomingMessage,
  target: RequestTarget,
): void {
  if (setting !== 'v4' || !JOB_WRITES.has(operation)) return;
  if (signatureKind(req.headers, target.query) !== 'v1') return;
  throw accessDenied(
    `${operation} must be signed with OSS V4 on this server (--job-write-signature v4): V1 signatures do ` +
      'not cover the job parameters and could be replayed with other values.',
  );
}
