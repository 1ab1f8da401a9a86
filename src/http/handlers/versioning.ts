import { OssError, invalidArgument, malformedXml } from '../../protocol/oss-error.js';
import { parseXmlBody, text, toXml, type XmlOutNode } from '../../protocol/xml.js';
import { restoreHeader } from '../../store/builtin/restore.js';
import { VERSIONING_STATUSES, type VersioningStatus } from '../../store/types.js';
import { wireVersionId } from '../../store/version-ids.js';
import { objectType } from '../../store/object-type.js';
import type { ListVersionsPage, VersionEntry } from '../../store/versioning.js';
import type { OpContext } from '../context.js';
import { emptyResponse, xmlResponse, type OssResponse } from '../response.js';

const bucketName = (ctx: OpContext): string => ctx.target.bucket ?? '';

/** PUT /<bucket>/?versioning with `<VersioningConfiguration><Status>Enabled|Suspended</Status>…`. */
export async function putBucketVersioning(ctx: OpContext): Promise<OssResponse> {
  const root = parseXmlBody(await ctx.readBody(), 'VersioningConfiguration');
  const status = text(root, 'Status')?.trim();
  // A bucket can never return to "unversioned": only the two statuses are accepted (OSS PutBucketVersioning).
  if (status === undefined || !(VERSIONING_STATUSES as readonly string[]).includes(status))
    throw malformedXml('Status must be Enabled or Suspended.');
  await ctx.deps.store.setBucketVersioning(bucketName(ctx), status as VersioningStatus);
  ctx.deps.buckets.invalidate(bucketName(ctx));
  return emptyResponse(200);
}

/** GET ?versioning: no `<Status>` for a bucket that never had versioning, as OSS answers. */
export async function getBucketVersioning(ctx: OpContext): Promise<OssResponse> {
  const info = await ctx.deps.store.getBucket(bucketName(ctx));
  return xmlResponse(toXml('VersioningConfiguration', { Status: info?.versioning }));
}

/** max-keys: 1..1000, default 100 (ListObjectVersions). */
function maxKeysOf(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 100;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 1000)
    throw invalidArgument('max-keys must be an integer between 1 and 1000.', {
      ArgumentName: 'max-keys',
      ArgumentValue: raw,
    });
  return n;
}

function entryXml(e: VersionEntry, owner: XmlOutNode, enc: (s: string) => string, now: number): XmlOutNode {
  if (e.kind === 'delete-marker') {
    return {
      Key: enc(e.key),
      VersionId: wireVersionId(e.versionId),
      IsLatest: e.isLatest,
      LastModified: new Date(e.lastModified).toISOString(),
      Owner: owner,
    };
  }
  const m = e.meta;
  return {
    Key: enc(m.key),
    VersionId: wireVersionId(m.versionId),
    IsLatest: e.isLatest,
    LastModified: new Date(m.lastModified).toISOString(),
    ETag: `"${m.etag}"`,
    Type: objectType(m),
    Size: m.size,
    StorageClass: m.storageClass,
    Owner: owner,
    RestoreInfo: restoreHeader(m, now),
  };
}

function render(ctx: OpContext, page: ListVersionsPage, maxKeys: number, url: boolean): string {
  const q = ctx.target.query;
  const enc = url ? encodeURIComponent : (s: string): string => s;
  const ownerId = ctx.bucket?.owner ?? '';
  const owner = { ID: ownerId, DisplayName: ownerId };
  const now = ctx.deps.clock.now();
  // OSS lists versions and delete markers as two element kinds, interleaved in listing order.
  const versions: XmlOutNode[] = [];
  const markers: XmlOutNode[] = [];
  for (const e of page.entries)
    (e.kind === 'version' ? versions : markers).push(entryXml(e, owner, enc, now));
  return toXml('ListVersionsResult', {
    Name: bucketName(ctx),
    Prefix: enc(q.get('prefix') ?? ''),
    KeyMarker: enc(q.get('key-marker') ?? ''),
    VersionIdMarker: q.get('version-id-marker') ?? '',
    MaxKeys: maxKeys,
    Delimiter: enc(q.get('delimiter') ?? ''),
    IsTruncated: page.isTruncated,
    NextKeyMarker: page.nextKeyMarker === undefined ? undefined : enc(page.nextKeyMarker),
    NextVersionIdMarker: page.nextVersionIdMarker,
    EncodingType: url ? 'url' : undefined,
    Version: versions,
    DeleteMarker: markers,
    CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
  });
}

/** GET /<bucket>/?versions (ListObjectVersions / GetBucketVersions). */
export async function listObjectVersions(ctx: OpContext): Promise<OssResponse> {
  const q = ctx.target.query;
  const encodingType = q.get('encoding-type');
  if (encodingType !== undefined && encodingType !== '' && encodingType !== 'url')
    throw invalidArgument('encoding-type must be url.', { ArgumentName: 'encoding-type' });
  const keyMarker = q.get('key-marker');
  const versionIdMarker = q.get('version-id-marker');
  if (
    versionIdMarker !== undefined &&
    versionIdMarker !== '' &&
    (keyMarker === undefined || keyMarker === '')
  )
    // EC 0012-00000106: version-id-marker only makes sense together with key-marker.
    throw new OssError('InvalidArgument', 'A version-id marker cannot be specified without a key marker.', {
      ec: '0012-00000106',
    });
  const maxKeys = maxKeysOf(q.get('max-keys'));
  const page = await ctx.deps.store.listObjectVersions({
    bucket: bucketName(ctx),
    prefix: q.get('prefix') || undefined,
    delimiter: q.get('delimiter') || undefined,
    keyMarker: keyMarker || undefined,
    versionIdMarker: versionIdMarker || undefined,
    maxKeys,
  });
  return xmlResponse(render(ctx, page, maxKeys, encodingType === 'url'));
}
