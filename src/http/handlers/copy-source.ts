import { OssError, noSuchBucket, noSuchKey } from '../../protocol/oss-error.js';
import { isReadable } from '../../store/builtin/restore.js';
import type { ObjectMeta } from '../../store/types.js';
import { header, type OpContext } from '../context.js';
import type { OssResponse } from '../response.js';
import { checkConditions, notModified } from './object-read.js';
import { copySourceConditions, parseCopySource } from './object-write.js';

/**
 * The source of UploadPartCopy (`x-oss-copy-source`), checked as CopyObject checks its source: the caller
 * needs oss:GetObject on it, it must exist (and be the named version), be readable (restored if archived),
 * and meet the copy-source preconditions (412, or 304 with nothing copied).
 */
export async function readCopySource(
  ctx: OpContext,
): Promise<{ meta: ObjectMeta; notModified?: OssResponse | undefined }> {
  const src = parseCopySource(header(ctx, 'x-oss-copy-source') ?? '');
  const srcBucket = await ctx.deps.buckets.get(src.bucket);
  if (srcBucket === undefined) throw noSuchBucket(src.bucket);
  const meta = await ctx.deps.store.headObject(src.bucket, src.key);
  ctx.authorize('oss:GetObject', srcBucket, src.key, meta);
  if (meta === undefined || (src.versionId !== undefined && src.versionId !== meta.versionId))
    throw noSuchKey(src.key);
  if (!isReadable(meta, ctx.deps.clock.now()))
    throw new OssError('InvalidObjectState', undefined, { details: { Key: src.key } });
  if (checkConditions(ctx, meta, copySourceConditions(ctx)) === 'not-modified')
    return { meta, notModified: notModified(meta) };
  return { meta };
}
