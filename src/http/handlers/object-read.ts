import type { Readable } from 'node:stream';
import { OssError } from '../../protocol/oss-error.js';
import { isReadable } from '../../store/builtin/restore.js';
import type { ObjectMeta } from '../../store/types.js';
import { header, type OpContext } from '../context.js';
import { applyResponseOverrides, objectHeaders } from '../object-headers.js';
import { parseRange } from '../range.js';
import type { OssResponse } from '../response.js';
import { missError, requestedVersion, versionHeader } from '../version-target.js';

/**
 * The target object, honouring `versionId` (the dispatcher loaded that version). A miss costs one more
 * lookup to answer as OSS does: NoSuchVersion, or a 404 that names the delete marker it hit.
 */
export async function requireObject(ctx: OpContext): Promise<ObjectMeta> {
  if (ctx.object !== undefined) return ctx.object;
  throw await missError(ctx.deps.store, ctx.target.bucket ?? '', ctx.target);
}

/** `x-oss-version-id` for the object a request addressed (versioned buckets, or when asked by id). */
export const versionHeaderOf = (ctx: OpContext, meta: ObjectMeta): Record<string, string> =>
  versionHeader(ctx.bucket, meta, requestedVersion(ctx.target));

const unquote = (s: string): string => s.trim().replace(/^W\//, '').replace(/^"|"$/g, '').toUpperCase();

function etagMatches(list: string, etag: string): boolean {
  return list.split(',').some((t) => t.trim() === '*' || unquote(t) === etag.toUpperCase());
}

/** Last-Modified has second precision on the wire; compare at that precision. */
const seconds = (ms: number): number => Math.floor(ms / 1000);

/** The four conditional headers: plain for GET/HEAD, `x-oss-copy-source-`-prefixed for CopyObject's source. */
export interface ConditionHeaders {
  ifMatch: string;
  ifUnmodifiedSince: string;
  ifNoneMatch: string;
  ifModifiedSince: string;
}

const GET_CONDITIONS: ConditionHeaders = {
  ifMatch: 'If-Match',
  ifUnmodifiedSince: 'If-Unmodified-Since',
  ifNoneMatch: 'If-None-Match',
  ifModifiedSince: 'If-Modified-Since',
};

/** If-Match / If-Unmodified-Since → 412; If-None-Match / If-Modified-Since → 304 (RFC 7232 order). */
export function checkConditions(
  ctx: OpContext,
  meta: ObjectMeta,
  names: ConditionHeaders = GET_CONDITIONS,
): 'ok' | 'not-modified' {
  const ifMatch = header(ctx, names.ifMatch.toLowerCase());
  const ifUnmodified = header(ctx, names.ifUnmodifiedSince.toLowerCase());
  const ifNoneMatch = header(ctx, names.ifNoneMatch.toLowerCase());
  const ifModified = header(ctx, names.ifModifiedSince.toLowerCase());
  const lm = seconds(meta.lastModified);
  if (ifMatch !== undefined && !etagMatches(ifMatch, meta.etag))
    throw new OssError('PreconditionFailed', undefined, { details: { Condition: names.ifMatch } });
  if (ifMatch === undefined && ifUnmodified !== undefined) {
    const t = Date.parse(ifUnmodified);
    if (!Number.isNaN(t) && lm > seconds(t))
      throw new OssError('PreconditionFailed', undefined, {
        details: { Condition: names.ifUnmodifiedSince },
      });
  }
  if (ifNoneMatch !== undefined) return etagMatches(ifNoneMatch, meta.etag) ? 'not-modified' : 'ok';
  if (ifModified !== undefined) {
    const t = Date.parse(ifModified);
    if (!Number.isNaN(t) && lm <= seconds(t)) return 'not-modified';
  }
  return 'ok';
}

export function notModified(meta: ObjectMeta): OssResponse {
  return {
    status: 304,
    headers: { ETag: `"${meta.etag}"`, 'Last-Modified': new Date(meta.lastModified).toUTCString() },
  };
}

/** GET / HEAD on an object: conditions, Range (206 + Content-Range), `response-*` overrides. */
async function readObject(ctx: OpContext, withBody: boolean): Promise<OssResponse> {
  const meta = await requireObject(ctx);
  const now = ctx.deps.clock.now();
  if (checkConditions(ctx, meta) === 'not-modified') return notModified(meta);
  if (withBody && !isReadable(meta, now)) {
    throw new OssError('InvalidObjectState', "The operation is not valid for the object's state.", {
      details: { Key: meta.key },
    });
  }
  // Object.assign onto the fresh object, not a two-object spread (V8's slow path: docs/performance.md, issue 10).
  const headers: Record<string, string | number> = objectHeaders(meta, now);
  Object.assign(headers, versionHeaderOf(ctx, meta));
  applyResponseOverrides(headers, ctx.target.query);
  const standard = header(ctx, 'x-oss-range-behavior')?.toLowerCase() === 'standard';
  const range = parseRange(header(ctx, 'range'), meta.size, standard);
  if (range !== undefined) {
    headers['Content-Range'] = `bytes ${range.start}-${range.end}/${meta.size}`;
    headers['Content-Length'] = range.end - range.start + 1;
    if (!withBody) return { status: 206, headers };
    return { status: 206, headers, body: await objectBody(ctx, meta, range) };
  }
  headers['Content-Length'] = meta.size;
  if (!withBody || meta.size === 0) return { status: 200, headers };
  return { status: 200, headers, body: await objectBody(ctx, meta) };
}

/** A small object's bytes as one buffer when the store offers them (one socket write), else a stream. */
async function objectBody(
  ctx: OpContext,
  meta: ObjectMeta,
  range?: { start: number; end: number },
): Promise<Buffer | Readable> {
  const bytes = await ctx.deps.store.readObjectBytes?.(meta, range);
  return bytes ?? ctx.deps.store.readObject(meta, range);
}

export function getObject(ctx: OpContext): Promise<OssResponse> {
  return readObject(ctx, true);
}

export function headObject(ctx: OpContext): Promise<OssResponse> {
  return readObject(ctx, false);
}

/** HEAD ?objectMeta: ETag, Size, Last-Modified (and the restore/storage headers) without a body. */
export async function getObjectMeta(ctx: OpContext): Promise<OssResponse> {
  const meta = await requireObject(ctx);
  const headers: Record<string, string | number> = versionHeaderOf(ctx, meta);
  Object.assign(headers, {
    ETag: `"${meta.etag}"`,
    'Last-Modified': new Date(meta.lastModified).toUTCString(),
    'x-oss-object-size': meta.size,
    // HEAD (how SDKs call it) announces the object's size; a GET variant sends an empty body.
    'Content-Length': ctx.method === 'HEAD' ? meta.size : 0,
  });
  const all = objectHeaders(meta, ctx.deps.clock.now());
  if (all['x-oss-restore'] !== undefined) headers['x-oss-restore'] = all['x-oss-restore'];
  headers['x-oss-storage-class'] = meta.storageClass;
  return { status: 200, headers };
}
