import { OssError, invalidArgument, malformedXml } from '../../protocol/oss-error.js';
import { children, isNode, parseXmlBody, text, toXml } from '../../protocol/xml.js';
import { MAX_PART_NUMBER, MAX_PART_SIZE } from '../../store/multipart-store.js';
import { header, type OpContext } from '../context.js';
import { httpHeadersOf, parseObjectAcl, parseTaggingHeader, userMetaOf } from '../object-input.js';
import { emptyResponse, xmlResponse, type OssResponse } from '../response.js';
import { parseStorageClass } from './bucket.js';
import { readCopySource } from './copy-source.js';

const bucketOf = (ctx: OpContext): string => ctx.target.bucket ?? '';
const keyOf = (ctx: OpContext): string => ctx.target.key ?? '';
const uploadIdOf = (ctx: OpContext): string => ctx.target.query.get('uploadId') ?? '';
const iso = (ms: number): string => new Date(ms).toISOString();

/** partNumber: an integer 1..10,000 (InvalidArgument otherwise, as OSS). */
function partNumberOf(ctx: OpContext): number {
  const raw = ctx.target.query.get('partNumber');
  if (raw === undefined) throw invalidArgument('partNumber is required.', { ArgumentName: 'partNumber' });
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isInteger(n) || n < 1 || n > MAX_PART_NUMBER) {
    throw invalidArgument(`Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive.`, {
      ArgumentName: 'partNumber',
      ArgumentValue: raw,
    });
  }
  return n;
}

/** POST /<bucket>/<key>?uploads → `<InitiateMultipartUploadResult>`; metadata given here applies at Complete. */
export async function initiateMultipartUpload(ctx: OpContext): Promise<OssResponse> {
  if (header(ctx, 'x-oss-forbid-overwrite')?.trim().toLowerCase() === 'true' && ctx.object !== undefined)
    throw new OssError('FileAlreadyExists', undefined, { details: { Key: keyOf(ctx) } });
  const storageClass = parseStorageClass(header(ctx, 'x-oss-storage-class'));
  const acl = parseObjectAcl(header(ctx, 'x-oss-object-acl'));
  const tags = parseTaggingHeader(header(ctx, 'x-oss-tagging'));
  if (tags !== undefined && tags.length > 0 && ctx.bucket !== undefined)
    ctx.authorize('oss:PutObjectTagging', ctx.bucket, keyOf(ctx), ctx.object);
  const upload = await ctx.deps.store.initiateUpload({
    bucket: bucketOf(ctx),
    key: keyOf(ctx),
    contentType: header(ctx, 'content-type') ?? 'application/octet-stream',
    ...(storageClass !== undefined ? { storageClass } : {}),
    ...(acl !== undefined ? { acl } : {}),
    userMeta: userMetaOf(ctx),
    httpHeaders: httpHeadersOf(ctx),
    ...(tags !== undefined ? { tags } : {}),
  });
  const xml = toXml('InitiateMultipartUploadResult', {
    Bucket: upload.bucket,
    Key: upload.key,
    UploadId: upload.uploadId,
  });
  return xmlResponse(xml);
}

function contentLengthOf(ctx: OpContext): number | undefined {
  const raw = header(ctx, 'content-length');
  if (raw === undefined || ctx.raw.headers['transfer-encoding'] !== undefined) return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw invalidArgument('Content-Length is not a valid number.');
  if (n > MAX_PART_SIZE) throw new OssError('EntityTooLarge', `A part is at most ${MAX_PART_SIZE} bytes.`);
  return n;
}

/** PUT ?partNumber&uploadId: the body streams into a part file; ETag = the part's MD5. */
export async function uploadPart(ctx: OpContext): Promise<OssResponse> {
  const partNumber = partNumberOf(ctx);
  const contentLength = contentLengthOf(ctx);
  const contentMd5 = header(ctx, 'content-md5');
  const part = await ctx.deps.store.uploadPart({
    bucket: bucketOf(ctx),
    key: keyOf(ctx),
    uploadId: uploadIdOf(ctx),
    partNumber,
    body: ctx.raw,
    ...(contentMd5 !== undefined ? { contentMd5 } : {}),
    ...(contentLength !== undefined ? { contentLength } : {}),
  });
  return emptyResponse(200, { ETag: `"${part.etag}"` });
}

/** `x-oss-copy-source-range: bytes=first-last` against the source size (InvalidArgument when unsatisfiable). */
function copyRange(value: string | undefined, size: number): { start: number; end: number } | undefined {
  if (value === undefined) return undefined;
  const m = /^bytes=(\d+)-(\d+)$/.exec(value.trim());
  if (!m)
    throw invalidArgument('x-oss-copy-source-range must be bytes=first-last.', {
      ArgumentName: 'x-oss-copy-source-range',
    });
  const start = Number(m[1]);
  const end = Math.min(Number(m[2]), size - 1);
  if (start > end || start >= size)
    throw new OssError('InvalidRange', `The range ${value} is outside the source object (${size} bytes).`);
  return { start, end };
}

/** UploadPartCopy: PUT ?partNumber&uploadId with x-oss-copy-source[-range] → `<CopyPartResult>`. */
export async function uploadPartCopy(ctx: OpContext): Promise<OssResponse> {
  const partNumber = partNumberOf(ctx);
  const source = await readCopySource(ctx);
  if (source.notModified !== undefined) return source.notModified;
  const range = copyRange(header(ctx, 'x-oss-copy-source-range'), source.meta.size);
  const part = await ctx.deps.store.uploadPartCopy({
    bucket: bucketOf(ctx),
    key: keyOf(ctx),
    uploadId: uploadIdOf(ctx),
    partNumber,
    source: source.meta,
    ...(range !== undefined ? { range } : {}),
  });
  const xml = toXml('CopyPartResult', { LastModified: iso(part.lastModified), ETag: `"${part.etag}"` });
  // ali-oss takes the part's ETag from the header, as for UploadPart.
  return xmlResponse(xml, 200, { ETag: `"${part.etag}"` });
}

type PartList = { partNumber: number; etag: string }[] | 'all';

/**
 * `<CompleteMultipartUpload><Part><PartNumber/><ETag/></Part>…</CompleteMultipartUpload>`. A body of just
 * `<CompleteAll>yes</CompleteAll>` is taken like the `x-oss-complete-all: yes` header (every uploaded part).
 */
function parsePartList(body: Buffer): PartList {
  const root = parseXmlBody(body, 'CompleteMultipartUpload');
  const all = text(root, 'CompleteAll')?.trim().toLowerCase();
  const parts = children(root, 'Part');
  if (all !== undefined) {
    if (all !== 'yes' || parts.length > 0)
      throw malformedXml('<CompleteAll> must be yes and comes without <Part> elements.');
    return 'all';
  }
  return parts.map((p) => {
    if (!isNode(p)) throw malformedXml('<Part> must contain <PartNumber> and <ETag>.');
    const num = text(p, 'PartNumber')?.trim() ?? '';
    const etag = text(p, 'ETag');
    const n = Number(num);
    if (!/^\d+$/.test(num) || n < 1 || n > MAX_PART_NUMBER || etag === undefined)
      throw malformedXml('Each <Part> needs a <PartNumber> of 1 to 10000 and an <ETag>.');
    return { partNumber: n, etag };
  });
}

/**
 * POST ?uploadId: the part list in the body, or `x-oss-complete-all: yes` with NO body (OSS then takes every
 * uploaded part in part-number order; a body with it is refused, EC 0042-00000216).
 */
export async function completeMultipartUpload(ctx: OpContext): Promise<OssResponse> {
  const completeAll = header(ctx, 'x-oss-complete-all');
  if (completeAll !== undefined && completeAll.trim().toLowerCase() !== 'yes')
    throw invalidArgument('x-oss-complete-all must be yes.', { ArgumentName: 'x-oss-complete-all' });
  const body = await ctx.readBody();
  if (completeAll !== undefined && body.length > 0) {
    throw new OssError('InvalidArgument', 'With x-oss-complete-all: yes the request must have no body.', {
      ec: '0042-00000216',
    });
  }
  const forbid = header(ctx, 'x-oss-forbid-overwrite')?.trim().toLowerCase() === 'true';
  if (forbid && ctx.object !== undefined)
    throw new OssError('FileAlreadyExists', undefined, { details: { Key: keyOf(ctx) } });
  const acl = parseObjectAcl(header(ctx, 'x-oss-object-acl'));
  const meta = await ctx.deps.store.completeUpload({
    bucket: bucketOf(ctx),
    key: keyOf(ctx),
    uploadId: uploadIdOf(ctx),
    parts: completeAll !== undefined ? 'all' : parsePartList(body),
    forbidOverwrite: forbid,
    ...(acl !== undefined ? { acl } : {}),
  });
  const host = header(ctx, 'host') ?? 'localhost';
  const xml = toXml('CompleteMultipartUploadResult', {
    Location: `http://${host}/${meta.bucket}/${encodeURIComponent(meta.key).replace(/%2F/g, '/')}`,
    Bucket: meta.bucket,
    Key: meta.key,
    ETag: `"${meta.etag}"`,
  });
  return xmlResponse(xml, 200, { ETag: `"${meta.etag}"` });
}

/** DELETE ?uploadId → 204 (ali-oss accepts only 204). */
export async function abortMultipartUpload(ctx: OpContext): Promise<OssResponse> {
  await ctx.deps.store.abortUpload(bucketOf(ctx), keyOf(ctx), uploadIdOf(ctx));
  return emptyResponse(204);
}
