import type { FastifyReply } from 'fastify';
import type { Job } from '../client/types.js';
import type { HttpDeps } from '../http/context.js';
import { objectResource } from '../iam/resources.js';
import { accessDenied, invalidArgument, noSuchBucket, noSuchKey } from '../protocol/oss-error.js';
import type { SignedIn } from './auth.js';
import { reportManifestKey } from './page-job.js';

/**
 * Streams one report object of `job` as the signed-in principal: oss:GetObject on it must be allowed by
 * the same evaluator the wire uses (RAM policy, bucket policy, ACLs). `key` defaults to the report's
 * manifest.json and must otherwise lie under the job's own report directory `<Prefix>job-<JobId>/`.
 */
export async function streamReport(
  deps: HttpDeps,
  who: SignedIn,
  job: Job,
  key: string | undefined,
  reply: FastifyReply,
  disposition: 'inline' | 'attachment' = 'inline',
): Promise<void> {
  const manifestKey = reportManifestKey(job);
  const bucketName = job.report?.bucket;
  if (manifestKey === undefined || bucketName === undefined)
    throw invalidArgument(`Job ${job.jobId} writes no completion report.`);
  const dir = manifestKey.slice(0, manifestKey.length - 'manifest.json'.length);
  const target = key ?? manifestKey;
  if (!target.startsWith(dir) || target.includes('/../'))
    throw invalidArgument(`Only objects under ${dir} belong to this job's report.`);
  const bucket = await deps.store.getBucket(bucketName);
  if (bucket === undefined) throw noSuchBucket(bucketName);
  const meta = await deps.store.headObject(bucketName, target);
  const decision = await deps.iam.authorize({
    principal: who.principal,
    action: 'oss:GetObject',
    resource: objectResource(deps.region, bucket.owner, bucket.name, target),
    bucket,
    objectAcl: meta?.acl,
    resourceOwner: bucket.owner,
    context: who.context,
  });
  if (decision !== 'allow') throw accessDenied(`You are not allowed to read oss://${bucketName}/${target}.`);
  if (meta === undefined) throw noSuchKey(target);
  const type = target.endsWith('.json') ? 'application/json' : 'text/csv';
  const name = target.slice(target.lastIndexOf('/') + 1).replace(/[^A-Za-z0-9._-]/g, '_');
  void reply
    .code(200)
    .headers({
      'Content-Type': `${type}; charset=utf-8`,
      'Content-Length': String(meta.size),
      'Content-Disposition': `${disposition}; filename="${name}"`,
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    })
    .send(deps.store.readObject(meta));
}
