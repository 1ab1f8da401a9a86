import { invalidArgument } from '../../protocol/oss-error.js';
import { toXml } from '../../protocol/xml.js';
import type { OpContext } from '../context.js';
import { xmlResponse, type OssResponse } from '../response.js';

const iso = (ms: number): string => new Date(ms).toISOString();

/** A 1..1000 page size from the query (default 1000), InvalidArgument otherwise. */
function pageSize(ctx: OpContext, name: string): number {
  const raw = ctx.target.query.get(name);
  if (raw === undefined || raw === '') return 1000;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 1000)
    throw invalidArgument(`${name} must be an integer between 1 and 1000.`, { ArgumentName: name });
  return n;
}

function encoder(ctx: OpContext): { url: boolean; enc: (s: string) => string } {
  const type = ctx.target.query.get('encoding-type');
  if (type !== undefined && type !== '' && type !== 'url')
    throw invalidArgument('encoding-type must be url.', { ArgumentName: 'encoding-type' });
  const url = type === 'url';
  return { url, enc: (s) => (url ? encodeURIComponent(s) : s) };
}

/** GET /<bucket>/<key>?uploadId → `<ListPartsResult>`, paged by part-number-marker / max-parts. */
export async function listParts(ctx: OpContext): Promise<OssResponse> {
  const q = ctx.target.query;
  const { url, enc } = encoder(ctx);
  const markerText = q.get('part-number-marker') ?? '';
  const marker = markerText === '' ? 0 : Number(markerText);
  if (!Number.isInteger(marker) || marker < 0)
    throw invalidArgument('part-number-marker must be a non-negative integer.', {
      ArgumentName: 'part-number-marker',
    });
  const maxParts = pageSize(ctx, 'max-parts');
  const page = await ctx.deps.store.listParts({
    bucket: ctx.target.bucket ?? '',
    key: ctx.target.key ?? '',
    uploadId: q.get('uploadId') ?? '',
    after: marker,
    maxParts,
  });
  const last = page.parts[page.parts.length - 1];
  const xml = toXml('ListPartsResult', {
    Bucket: page.upload.bucket,
    EncodingType: url ? 'url' : undefined,
    Key: enc(page.upload.key),
    UploadId: page.upload.uploadId,
    StorageClass: page.upload.storageClass,
    PartNumberMarker: marker,
    NextPartNumberMarker: last?.partNumber ?? marker,
    MaxParts: maxParts,
    IsTruncated: page.isTruncated,
    Part: page.parts.map((p) => ({
      PartNumber: p.partNumber,
      LastModified: iso(p.lastModified),
      ETag: `"${p.etag}"`,
      Size: p.size,
    })),
  });
  return xmlResponse(xml);
}

/** GET /<bucket>/?uploads → `<ListMultipartUploadsResult>` (key-marker / upload-id-marker paging). */
export async function listMultipartUploads(ctx: OpContext): Promise<OssResponse> {
  const q = ctx.target.query;
  const { url, enc } = encoder(ctx);
  const maxUploads = pageSize(ctx, 'max-uploads');
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const keyMarker = q.get('key-marker') ?? '';
  const uploadIdMarker = q.get('upload-id-marker') ?? '';
  const page = await ctx.deps.store.listUploads({
    bucket: ctx.target.bucket ?? '',
    prefix,
    delimiter,
    keyMarker,
    // OSS ignores upload-id-marker without key-marker.
    uploadIdMarker: keyMarker === '' ? '' : uploadIdMarker,
    maxUploads,
  });
  const xml = toXml('ListMultipartUploadsResult', {
    Bucket: ctx.target.bucket ?? '',
    EncodingType: url ? 'url' : undefined,
    KeyMarker: enc(keyMarker),
    UploadIdMarker: uploadIdMarker,
    NextKeyMarker: enc(page.nextKeyMarker ?? ''),
    NextUploadIdMarker: page.nextUploadIdMarker ?? '',
    Delimiter: enc(delimiter),
    Prefix: enc(prefix),
    MaxUploads: maxUploads,
    IsTruncated: page.isTruncated,
    Upload: page.uploads.map((u) => ({
      Key: enc(u.key),
      UploadId: u.uploadId,
      StorageClass: u.storageClass,
      Initiated: iso(u.initiated),
    })),
    CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
  });
  return xmlResponse(xml);
}
