import { invalidArgument } from '../../protocol/oss-error.js';
import { objectType } from '../../store/object-type.js';
import { toXml, type XmlOutNode } from '../../protocol/xml.js';
import { restoreHeader } from '../../store/builtin/restore.js';
import type { ListObjectsPage } from '../../store/object-store.js';
import type { ObjectMeta } from '../../store/types.js';
import type { OpContext } from '../context.js';
import { xmlResponse, type OssResponse } from '../response.js';

/** max-keys: 1..1000, default 100 (spec §11.5). */
function maxKeysOf(query: ReadonlyMap<string, string>): number {
  const raw = query.get('max-keys');
  if (raw === undefined || raw === '') return 100;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 1000) {
    throw invalidArgument('max-keys must be an integer between 1 and 1000.', {
      ArgumentName: 'max-keys',
      ArgumentValue: raw,
    });
  }
  return n;
}

/** Continuation tokens are opaque to clients: base64 of the last key or common prefix returned. */
export const encodeToken = (after: string): string => Buffer.from(after, 'utf8').toString('base64');

function decodeToken(token: string): string {
  const decoded = Buffer.from(token, 'base64');
  if (token === '' || decoded.toString('base64') !== token) {
    throw invalidArgument('The continuation token is not valid.', { ArgumentName: 'continuation-token' });
  }
  return decoded.toString('utf8');
}

interface ListShape {
  v2: boolean;
  url: boolean;
  fetchOwner: boolean;
}

function contents(
  meta: ObjectMeta,
  owner: string,
  shape: ListShape,
  enc: (s: string) => string,
  now: number,
): XmlOutNode {
  return {
    Key: enc(meta.key),
    LastModified: new Date(meta.lastModified).toISOString(),
    ETag: `"${meta.etag}"`,
    Type: objectType(meta),
    Size: meta.size,
    StorageClass: meta.storageClass,
    Owner: !shape.v2 || shape.fetchOwner ? { ID: owner, DisplayName: owner } : undefined,
    RestoreInfo: restoreHeader(meta, now),
  };
}

function render(ctx: OpContext, page: ListObjectsPage, shape: ListShape, maxKeys: number): string {
  const q = ctx.target.query;
  const enc = shape.url ? encodeURIComponent : (s: string): string => s;
  const optEnc = (s: string | undefined): string | undefined => (s === undefined ? undefined : enc(s));
  const owner = ctx.bucket?.owner ?? '';
  const now = ctx.deps.clock.now();
  const next = page.isTruncated ? page.nextAfter : undefined;
  const head: XmlOutNode = shape.v2
    ? {
        Name: ctx.target.bucket,
        Prefix: enc(q.get('prefix') ?? ''),
        ContinuationToken: q.get('continuation-token'),
        StartAfter: optEnc(q.get('start-after')),
        MaxKeys: maxKeys,
        Delimiter: enc(q.get('delimiter') ?? ''),
        IsTruncated: page.isTruncated,
        NextContinuationToken: next === undefined ? undefined : encodeToken(next),
        KeyCount: page.objects.length + page.commonPrefixes.length,
      }
    : {
        Name: ctx.target.bucket,
        Prefix: enc(q.get('prefix') ?? ''),
        Marker: enc(q.get('marker') ?? ''),
        MaxKeys: maxKeys,
        Delimiter: enc(q.get('delimiter') ?? ''),
        IsTruncated: page.isTruncated,
        NextMarker: optEnc(next),
      };
  return toXml('ListBucketResult', {
    ...head,
    EncodingType: shape.url ? 'url' : undefined,
    Contents: page.objects.map((m) => contents(m, owner, shape, enc, now)),
    CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
  });
}

/** GET /<bucket>/ → ListObjects (v1) or, with `list-type=2`, ListObjectsV2 (spec §11.5). */
export async function listObjects(ctx: OpContext): Promise<OssResponse> {
  const q = ctx.target.query;
  const v2 = q.get('list-type') === '2';
  const encodingType = q.get('encoding-type');
  if (encodingType !== undefined && encodingType !== '' && encodingType !== 'url') {
    throw invalidArgument('encoding-type must be url.', { ArgumentName: 'encoding-type' });
  }
  const maxKeys = maxKeysOf(q);
  let after: string | undefined;
  if (v2) {
    const token = q.get('continuation-token');
    const startAfter = q.get('start-after');
    const fromToken = token === undefined ? undefined : decodeToken(token);
    after =
      fromToken !== undefined && (startAfter === undefined || fromToken > startAfter)
        ? fromToken
        : startAfter;
  } else {
    after = q.get('marker');
  }
  const prefix = q.get('prefix');
  const delimiter = q.get('delimiter');
  const page = await ctx.deps.store.listObjects({
    bucket: ctx.target.bucket ?? '',
    ...(prefix ? { prefix } : {}),
    ...(delimiter ? { delimiter } : {}),
    ...(after ? { after } : {}),
    maxKeys,
  });
  const shape = { v2, url: encodingType === 'url', fetchOwner: q.get('fetch-owner') === 'true' };
  return xmlResponse(render(ctx, page, shape, maxKeys));
}
