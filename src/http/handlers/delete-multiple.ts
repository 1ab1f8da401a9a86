import { OssError, malformedXml } from '../../protocol/oss-error.js';
import { children, isNode, parseXmlBody, text, toXml, type XmlOutNode } from '../../protocol/xml.js';
import type { OpContext } from '../context.js';
import { xmlResponse, type OssResponse } from '../response.js';

/** OSS caps one DeleteMultipleObjects request at 1,000 keys. */
const MAX_KEYS = 1000;

interface Target {
  key: string;
  versionId: string | undefined;
}

function parseDeleteRequest(body: Buffer): { quiet: boolean; targets: Target[] } {
  const root = parseXmlBody(body, 'Delete');
  const quietText = text(root, 'Quiet')?.trim();
  if (quietText !== undefined && quietText !== 'true' && quietText !== 'false')
    throw new OssError('InvalidArgument', `Quiet must be true or false, got ${JSON.stringify(quietText)}.`);
  const objects = children(root, 'Object');
  if (objects.length === 0) throw malformedXml('The <Delete> element must list at least one <Object>.');
  if (objects.length > MAX_KEYS)
    throw malformedXml(`At most ${MAX_KEYS} objects can be deleted in one request, got ${objects.length}.`);
  const targets = objects.map((o) => {
    const key = isNode(o) ? text(o, 'Key') : undefined;
    if (key === undefined || key === '') throw malformedXml('Every <Object> needs a non-empty <Key>.');
    const versionId = isNode(o) ? text(o, 'VersionId')?.trim() : undefined;
    return { key, versionId: versionId === '' ? undefined : versionId };
  });
  return { quiet: quietText === 'true', targets };
}

/**
 * POST /<bucket>/?delete (DeleteMultipleObjects). Every key is authorised as oss:DeleteObject first and a
 * single refusal refuses the whole request, so nothing is half-deleted; missing keys count as deleted, as
 * for DeleteObject. Quiet mode lists nothing; `encoding-type=url` URL-encodes the keys in the reply.
 */
export async function deleteMultipleObjects(ctx: OpContext): Promise<OssResponse> {
  const bucket = ctx.bucket;
  if (bucket === undefined) throw new OssError('InternalError');
  const { quiet, targets } = parseDeleteRequest(await ctx.readBody());
  // Removing a specific version is oss:DeleteObjectVersion (OSS RAM action list).
  for (const t of targets)
    ctx.authorize(t.versionId === undefined ? 'oss:DeleteObject' : 'oss:DeleteObjectVersion', bucket, t.key);
  const urlEncoded = ctx.target.query.get('encoding-type') === 'url';
  const shown = (key: string): string => (urlEncoded ? encodeURIComponent(key) : key);
  const deleted: XmlOutNode[] = [];
  for (const t of targets) {
    const out = await ctx.deps.store.deleteVersion(bucket.name, t.key, t.versionId);
    deleted.push({
      Key: shown(t.key),
      VersionId: t.versionId,
      DeleteMarker: out.deleteMarker ? 'true' : undefined,
      DeleteMarkerVersionId: out.deleteMarker ? out.versionId : undefined,
    });
  }
  return xmlResponse(
    toXml('DeleteResult', {
      EncodingType: urlEncoded ? 'url' : undefined,
      Deleted: quiet ? undefined : deleted,
    }),
  );
}
