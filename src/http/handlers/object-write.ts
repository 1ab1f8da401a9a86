import { OssError, invalidArgument, noSuchBucket, noSuchKey } from '../../protocol/oss-error.js';
import { MAX_KEY_BYTES, percentDecodeBytes } from '../../protocol/request-target.js';
import { toXml } from '../../protocol/xml.js';
import { isReadable } from '../../store/builtin/restore.js';
import { header, type OpContext } from '../context.js';
import { checkConditions, notModified, type ConditionHeaders } from './object-read.js';
import { parseStorageClass } from './bucket.js';
import { httpHeadersOf, parseObjectAcl, parseTaggingHeader, userMetaOf } from '../object-input.js';
import { emptyResponse, xmlResponse, type OssResponse } from '../response.js';
import { wireVersionId } from '../../store/version-ids.js';
import { requestedVersion, versionHeader } from '../version-target.js';

/** OSS caps a single PutObject at 5 GiB. */
const MAX_PUT_BYTES = 5 * 1024 ** 3;

const hexToBase64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');

function contentLengthOf(ctx: OpContext): number | undefined {
  const raw = header(ctx, 'content-length');
  if (raw === undefined || ctx.raw.headers['transfer-encoding'] !== undefined) return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw invalidArgument('Content-Length is not a valid number.');
  if (n > MAX_PUT_BYTES) throw new OssError('EntityTooLarge');
  return n;
}

/**
 * `x-oss-forbid-overwrite: true` on an existing key → 409 FileAlreadyExists (PutObject and CopyObject).
 * Refused early when the key is already there (no body upload wasted); the store checks again inside its
 * commit transaction, which is what makes two concurrent uploads of a new key safe.
 */
function forbidsOverwrite(ctx: OpContext): boolean {
  // Versioned buckets ignore the header (OSS PutObject): the old version is kept anyway.
  const forbid = header(ctx, 'x-oss-forbid-overwrite')?.trim().toLowerCase() === 'true';
  if (forbid && ctx.object !== undefined && ctx.bucket?.versioning === undefined)
    throw new OssError('FileAlreadyExists', undefined, { details: { Key: ctx.target.key ?? '' } });
  return forbid;
}

/** Tags set on upload (x-oss-tagging) also need oss:PutObjectTagging, as on OSS (PutObject permissions). */
function authorizeTagging(ctx: OpContext, tags: readonly unknown[] | undefined): void {
  if (tags === undefined || tags.length === 0 || ctx.bucket === undefined) return;
  ctx.authorize('oss:PutObjectTagging', ctx.bucket, ctx.target.key ?? '', ctx.object);
}

/** PUT /<bucket>/<key>: the request stream goes straight into the store (never buffered). */
export async function putObject(ctx: OpContext): Promise<OssResponse> {
  const forbidOverwrite = forbidsOverwrite(ctx);
  const contentLength = contentLengthOf(ctx);
  const contentMd5 = header(ctx, 'content-md5');
  const contentType = header(ctx, 'content-type');
  const storageClass = parseStorageClass(header(ctx, 'x-oss-storage-class'));
  const acl = parseObjectAcl(header(ctx, 'x-oss-object-acl'));
  const tags = parseTaggingHeader(header(ctx, 'x-oss-tagging'));
  authorizeTagging(ctx, tags);
  const meta = await ctx.deps.store.putObject({
    forbidOverwrite,
    bucket: ctx.target.bucket ?? '',
    key: ctx.target.key ?? '',
    body: ctx.raw,
    ...(contentMd5 !== undefined ? { contentMd5 } : {}),
    ...(contentLength !== undefined ? { contentLength } : {}),
    contentType: contentType ?? 'application/octet-stream',
    ...(storageClass !== undefined ? { storageClass } : {}),
    ...(acl !== undefined ? { acl } : {}),
    userMeta: userMetaOf(ctx),
    httpHeaders: httpHeadersOf(ctx),
    ...(tags !== undefined ? { tags } : {}),
  });
  return emptyResponse(200, {
    ETag: `"${meta.etag}"`,
    'Content-MD5': hexToBase64(meta.etag),
    ...versionHeader(ctx.bucket, meta, undefined),
  });
}

/**
 * DELETE /<key>[?versionId=]: in a versioned bucket a plain delete writes a delete marker
 * (`x-oss-delete-marker: true` + its `x-oss-version-id`); with versionId exactly that version goes.
 */
export async function deleteObject(ctx: OpContext): Promise<OssResponse> {
  const versionId = requestedVersion(ctx.target);
  const out = await ctx.deps.store.deleteVersion(ctx.target.bucket ?? '', ctx.target.key ?? '', versionId);
  const headers: Record<string, string> = {};
  if (out.deleteMarker) headers['x-oss-delete-marker'] = 'true';
  if (out.versionId !== undefined) headers['x-oss-version-id'] = out.versionId;
  return emptyResponse(204, headers);
}

/** `x-oss-copy-source: /<bucket>/<url-encoded key>[?versionId=…]` */
export function parseCopySource(value: string): { bucket: string; key: string; versionId?: string } {
  const q = value.indexOf('?');
  const path = (q >= 0 ? value.slice(0, q) : value).replace(/^\//, '');
  const slash = path.indexOf('/');
  if (slash <= 0 || slash === path.length - 1)
    throw invalidArgument('x-oss-copy-source must be /<bucket>/<key>.');
  const bucket = path.slice(0, slash);
  const keyBytes = percentDecodeBytes(path.slice(slash + 1), false);
  if (keyBytes.length > MAX_KEY_BYTES) throw new OssError('InvalidObjectName');
  const m = q >= 0 ? /(?:^|&)versionId=([^&]*)/.exec(value.slice(q + 1)) : null;
  return m?.[1] !== undefined
    ? { bucket, key: keyBytes.toString('utf8'), versionId: m[1] }
    : { bucket, key: keyBytes.toString('utf8') };
}

function directive(value: string | undefined, name: string): 'COPY' | 'REPLACE' {
  const v = (value ?? 'COPY').toUpperCase();
  if (v !== 'COPY' && v !== 'REPLACE')
    throw invalidArgument(`${name} must be COPY or REPLACE.`, { ArgumentName: name });
  return v;
}

/**
 * CopyObject's source preconditions arrive as `x-oss-copy-source-if-…` or as the standard `If-…` headers
 * (ali-oss `copy()` sends both). A 412 names the header the client sent, the standard one when both were
 * (issue 9, wire fix 3).
 */
export function copySourceConditions(ctx: OpContext): ConditionHeaders {
  const pick = (standard: string): string =>
    header(ctx, standard.toLowerCase()) !== undefined
      ? standard
      : `x-oss-copy-source-${standard.toLowerCase()}`;
  return {
    ifMatch: pick('If-Match'),
    ifUnmodifiedSince: pick('If-Unmodified-Since'),
    ifNoneMatch: pick('If-None-Match'),
    ifModifiedSince: pick('If-Modified-Since'),
  };
}

/** PUT with x-oss-copy-source: the caller needs oss:GetObject on the source as well (spec §10.2). */
export async function copyObject(ctx: OpContext): Promise<OssResponse> {
  const src = parseCopySource(header(ctx, 'x-oss-copy-source') ?? '');
  const srcBucket = await ctx.deps.buckets.get(src.bucket);
  if (srcBucket === undefined) throw noSuchBucket(src.bucket);
  const found =
    src.versionId === undefined
      ? undefined
      : await ctx.deps.store.headVersion(src.bucket, src.key, src.versionId);
  const srcMeta =
    found === undefined
      ? await ctx.deps.store.headObject(src.bucket, src.key)
      : found.kind === 'object'
        ? found.meta
        : undefined;
  // Copying a given version needs oss:GetObjectVersion on the source (OSS RAM action list).
  ctx.authorize(
    src.versionId === undefined ? 'oss:GetObject' : 'oss:GetObjectVersion',
    srcBucket,
    src.key,
    srcMeta,
  );
  if (srcMeta === undefined) {
    if (found?.kind === 'no-such-version')
      throw new OssError('NoSuchVersion', undefined, {
        details: { Key: src.key, VersionId: src.versionId ?? '' },
      });
    throw noSuchKey(src.key);
  }
  if (!isReadable(srcMeta, ctx.deps.clock.now()))
    throw new OssError('InvalidObjectState', undefined, { details: { Key: src.key } });
  // Source preconditions: a failed match is 412, an unmodified source is 304 with nothing copied.
  if (checkConditions(ctx, srcMeta, copySourceConditions(ctx)) === 'not-modified')
    return notModified(srcMeta);
  const forbidOverwrite = forbidsOverwrite(ctx);
  const metadataDirective = directive(header(ctx, 'x-oss-metadata-directive'), 'x-oss-metadata-directive');
  const taggingDirective = directive(header(ctx, 'x-oss-tagging-directive'), 'x-oss-tagging-directive');
  const storageClass = parseStorageClass(header(ctx, 'x-oss-storage-class'));
  const acl = parseObjectAcl(header(ctx, 'x-oss-object-acl'));
  const tags =
    taggingDirective === 'REPLACE' ? (parseTaggingHeader(header(ctx, 'x-oss-tagging')) ?? []) : undefined;
  authorizeTagging(ctx, tags);
  const contentType = header(ctx, 'content-type');
  const meta = await ctx.deps.store.copyObject({
    forbidOverwrite,
    sourceBucket: src.bucket,
    sourceKey: src.key,
    sourceVersionId: src.versionId,
    bucket: ctx.target.bucket ?? '',
    key: ctx.target.key ?? '',
    metadataDirective,
    ...(metadataDirective === 'REPLACE'
      ? {
          userMeta: userMetaOf(ctx),
          httpHeaders: httpHeadersOf(ctx),
          ...(contentType !== undefined ? { contentType } : {}),
        }
      : {}),
    ...(storageClass !== undefined ? { storageClass } : {}),
    ...(acl !== undefined ? { acl } : {}),
    taggingDirective,
    ...(tags !== undefined ? { tags } : {}),
  });
  const xml = toXml('CopyObjectResult', {
    ETag: `"${meta.etag}"`,
    LastModified: new Date(meta.lastModified).toISOString(),
  });
  const headers: Record<string, string> = {
    ETag: `"${meta.etag}"`,
    ...versionHeader(ctx.bucket, meta, undefined),
  };
  if (src.versionId !== undefined || srcBucket.versioning !== undefined)
    headers['x-oss-copy-source-version-id'] = wireVersionId(srcMeta.versionId);
  return xmlResponse(xml, 200, headers);
}
