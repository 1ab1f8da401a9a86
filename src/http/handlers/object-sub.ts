import { OssError, invalidArgument, malformedXml } from '../../protocol/oss-error.js';
import { child, children, isNode, parseXmlBody, text, toXml } from '../../protocol/xml.js';
import { validateTags } from '../../store/builtin/tags.js';
import { RESTORE_TIERS, type RestoreTier, type StorageClass, type Tag } from '../../store/types.js';
import { header, type OpContext } from '../context.js';
import { parseObjectAcl } from '../object-input.js';
import { emptyResponse, xmlResponse, type OssResponse } from '../response.js';
import { requireObject, versionHeaderOf } from './object-read.js';

/** The addressed object; `headers` carries x-oss-version-id back when the request named a version or the bucket is versioned. */
async function target(
  ctx: OpContext,
): Promise<{ bucket: string; key: string; versionId: string | undefined; headers: Record<string, string> }> {
  const meta = await requireObject(ctx);
  const versionId = ctx.target.query.get('versionId');
  return { bucket: meta.bucket, key: meta.key, versionId, headers: versionHeaderOf(ctx, meta) };
}

/** `<Tagging><TagSet><Tag><Key/><Value/></Tag>…</TagSet></Tagging>` (spec §11.1). */
export function parseTaggingXml(body: Buffer): Tag[] {
  const root = parseXmlBody(body, 'Tagging');
  const tagSet = child(root, 'TagSet');
  if (tagSet === undefined) throw malformedXml('<Tagging> must contain <TagSet>.');
  const tags: Tag[] = [];
  for (const t of children(tagSet, 'Tag')) {
    if (!isNode(t)) throw malformedXml('<Tag> must contain <Key> and <Value>.');
    const key = text(t, 'Key');
    if (key === undefined) throw malformedXml('<Tag> must contain <Key>.');
    tags.push({ key, value: text(t, 'Value') ?? '' });
  }
  validateTags(tags);
  return tags;
}

export async function putObjectTagging(ctx: OpContext): Promise<OssResponse> {
  const t = await target(ctx);
  const tags = parseTaggingXml(await ctx.readBody());
  await ctx.deps.store.putObjectTags(t.bucket, t.key, tags, t.versionId);
  return emptyResponse(200, t.headers);
}

export async function getObjectTagging(ctx: OpContext): Promise<OssResponse> {
  const meta = await requireObject(ctx);
  const xml = toXml('Tagging', { TagSet: { Tag: meta.tags.map((t) => ({ Key: t.key, Value: t.value })) } });
  return xmlResponse(xml, 200, versionHeaderOf(ctx, meta));
}

/** ali-oss accepts only 204 here (real-clients §6.5). */
export async function deleteObjectTagging(ctx: OpContext): Promise<OssResponse> {
  const t = await target(ctx);
  await ctx.deps.store.deleteObjectTags(t.bucket, t.key, t.versionId);
  return emptyResponse(204, t.headers);
}

/** PUT ?acl takes the ACL from the x-oss-object-acl header, no body (spec §11.2). */
export async function putObjectAcl(ctx: OpContext): Promise<OssResponse> {
  const t = await target(ctx);
  const acl = parseObjectAcl(header(ctx, 'x-oss-object-acl'));
  if (acl === undefined)
    throw invalidArgument('The x-oss-object-acl header is required.', { ArgumentName: 'x-oss-object-acl' });
  await ctx.deps.store.putObjectAcl(t.bucket, t.key, acl, t.versionId);
  return emptyResponse(200, t.headers);
}

export async function getObjectAcl(ctx: OpContext): Promise<OssResponse> {
  const meta = await requireObject(ctx);
  const owner = ctx.bucket?.owner ?? '';
  const xml = toXml('AccessControlPolicy', {
    Owner: { ID: owner, DisplayName: owner },
    AccessControlList: { Grant: meta.acl },
  });
  return xmlResponse(xml, 200, versionHeaderOf(ctx, meta));
}

/**
 * Optional `<RestoreRequest><Days/><JobParameters><Tier/></JobParameters></RestoreRequest>`. An Archive object
 * has no tiers: OSS answers `<JobParameters>` for it with 400 MalformedXML, decided from the body alone,
 * before the object's restore state is looked at (issue 9, wire fix 5).
 */
function parseRestoreRequest(
  body: Buffer,
  storageClass: StorageClass,
): { days: number; tier: RestoreTier | undefined } {
  if (body.length === 0) return { days: 1, tier: undefined };
  const root = parseXmlBody(body, 'RestoreRequest');
  if (storageClass === 'Archive' && child(root, 'JobParameters') !== undefined)
    throw malformedXml('JobParameters is not allowed when restoring an Archive object.');
  const daysText = text(root, 'Days');
  const days = daysText === undefined ? 1 : Number(daysText.trim());
  if (!Number.isInteger(days) || days < 1)
    throw invalidArgument('Days must be a positive integer.', { ArgumentName: 'Days' });
  const params = child(root, 'JobParameters');
  const tierText = params ? text(params, 'Tier') : undefined;
  if (tierText === undefined) return { days, tier: undefined };
  const tier = RESTORE_TIERS.find((t) => t === tierText.trim());
  if (tier === undefined)
    throw new OssError('InvalidArgument', `The tier "${tierText}" is not valid.`, { ec: '0016-00000703' });
  return { days, tier };
}

/** POST ?restore → 202 accepted, 200 extended, 409 RestoreAlreadyInProgress (from the store). */
export async function restoreObject(ctx: OpContext): Promise<OssResponse> {
  const t = await target(ctx);
  const storageClass = (await requireObject(ctx)).storageClass;
  const { days, tier } = parseRestoreRequest(await ctx.readBody(), storageClass);
  const outcome = await ctx.deps.store.restoreObject(t.bucket, t.key, days, tier, t.versionId);
  if (outcome !== 'accepted') return emptyResponse(200, t.headers);
  // ColdArchive / DeepColdArchive restores run at a tier; OSS names it on the 202, Standard by default
  // (issue 9, wire fix 1). Archive restores have no tier and no such header.
  const tiered = storageClass === 'ColdArchive' || storageClass === 'DeepColdArchive';
  return emptyResponse(202, {
    ...t.headers,
    ...(tiered ? { 'x-oss-object-restore-priority': tier ?? 'Standard' } : {}),
  });
}
