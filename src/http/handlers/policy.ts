import { OssError, invalidArgument } from '../../protocol/oss-error.js';
import type { OpContext } from '../context.js';
import { emptyResponse, type OssResponse } from '../response.js';

function bucketName(ctx: OpContext): string {
  return ctx.bucket?.name ?? ctx.target.bucket ?? '';
}

/** GET ?policy → the JSON document as stored; NoSuchBucketPolicy (404) when none. */
export async function getBucketPolicy(ctx: OpContext): Promise<OssResponse> {
  const policy = ctx.bucket?.policy ?? null;
  if (policy === null)
    throw new OssError('NoSuchBucketPolicy', undefined, { details: { BucketName: bucketName(ctx) } });
  return Promise.resolve({ status: 200, headers: { 'Content-Type': 'application/json' }, body: policy });
}

/** PUT ?policy: JSON body validated by the IAM policy parser (400 with the reason when invalid). */
export async function putBucketPolicy(ctx: OpContext): Promise<OssResponse> {
  const body = (await ctx.readBody()).toString('utf8');
  if (body.trim() === '') throw invalidArgument('The bucket policy document is empty.');
  const reason = ctx.deps.validateBucketPolicy(bucketName(ctx), ctx.bucket?.owner ?? '', body);
  if (reason !== undefined) throw invalidArgument(`Invalid policy document: ${reason}`);
  try {
    await ctx.deps.store.setBucketPolicy(bucketName(ctx), body);
  } finally {
    ctx.deps.buckets.invalidate(bucketName(ctx));
  }
  return emptyResponse(200);
}

export async function deleteBucketPolicy(ctx: OpContext): Promise<OssResponse> {
  try {
    await ctx.deps.store.setBucketPolicy(bucketName(ctx), null);
  } finally {
    ctx.deps.buckets.invalidate(bucketName(ctx));
  }
  return emptyResponse(204);
}
