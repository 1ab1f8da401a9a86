import { OssError, malformedXml } from '../../protocol/oss-error.js';
import { child, children, escapeXml, isNode, parseXmlBody, text, toXml } from '../../protocol/xml.js';
import type { Tag } from '../../store/types.js';
import type { OpContext } from '../context.js';
import { emptyResponse, xmlResponse, type OssResponse } from '../response.js';

const bucketName = (ctx: OpContext): string => ctx.target.bucket ?? '';

/** GET /<bucket>/?location → `<LocationConstraint>oss-<region></LocationConstraint>`. */
export function getBucketLocation(ctx: OpContext): Promise<OssResponse> {
  const region = ctx.bucket?.region ?? ctx.deps.region;
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint>${escapeXml(`oss-${region}`)}</LocationConstraint>`;
  return Promise.resolve(xmlResponse(xml));
}

/** GET /<bucket>/?stat → `<BucketStat>` counted from the store (no live channels, no delete markers yet). */
export async function getBucketStat(ctx: OpContext): Promise<OssResponse> {
  const s = await ctx.deps.store.getBucketStat(bucketName(ctx));
  const bytes = (c: string): number => s.storageByClass[c] ?? 0;
  const count = (c: string): number => s.objectsByClass[c] ?? 0;
  const xml = toXml('BucketStat', {
    Storage: s.storage,
    ObjectCount: s.objectCount,
    MultipartUploadCount: s.multipartUploadCount,
    LiveChannelCount: 0,
    LastModifiedTime: Math.floor(s.lastModified / 1000),
    StandardStorage: bytes('Standard'),
    StandardObjectCount: count('Standard'),
    InfrequentAccessStorage: bytes('IA'),
    InfrequentAccessRealStorage: bytes('IA'),
    InfrequentAccessObjectCount: count('IA'),
    ArchiveStorage: bytes('Archive'),
    ArchiveRealStorage: bytes('Archive'),
    ArchiveObjectCount: count('Archive'),
    ColdArchiveStorage: bytes('ColdArchive'),
    ColdArchiveRealStorage: bytes('ColdArchive'),
    ColdArchiveObjectCount: count('ColdArchive'),
    DeepColdArchiveStorage: bytes('DeepColdArchive'),
    DeepColdArchiveRealStorage: bytes('DeepColdArchive'),
    DeepColdArchiveObjectCount: count('DeepColdArchive'),
    MultipartPartCount: s.multipartPartCount,
    DeleteMarkerCount: 0,
  });
  return xmlResponse(xml);
}

/** Bucket tags (OSS PutBucketTags): at most 20, keys 1–64 bytes not starting http://, https:// or Aliyun, values ≤ 128 bytes. */
const MAX_BUCKET_TAGS = 20;

function validateBucketTags(tags: readonly Tag[]): void {
  if (tags.length > MAX_BUCKET_TAGS)
    throw new OssError('InvalidTag', `A bucket has at most ${MAX_BUCKET_TAGS} tags.`);
  const seen = new Set<string>();
  for (const { key, value } of tags) {
    const k = Buffer.byteLength(key);
    if (k < 1 || k > 64) throw new OssError('InvalidTag', 'A bucket tag key is 1 to 64 bytes long.');
    if (/^(https?:\/\/|Aliyun)/.test(key))
      throw new OssError('InvalidTag', 'A bucket tag key may not start with http://, https:// or Aliyun.');
    if (Buffer.byteLength(value) > 128)
      throw new OssError('InvalidTag', 'A bucket tag value is at most 128 bytes long.');
    if (seen.has(key)) throw new OssError('InvalidTag', `The tag key "${key}" appears more than once.`);
    seen.add(key);
  }
}

/** PUT /<bucket>/?tagging, body `<Tagging><TagSet><Tag><Key/><Value/></Tag>…</TagSet></Tagging>`. */
export async function putBucketTags(ctx: OpContext): Promise<OssResponse> {
  const root = parseXmlBody(await ctx.readBody(), 'Tagging');
  const tagSet = child(root, 'TagSet');
  if (tagSet === undefined) throw malformedXml('<Tagging> must contain <TagSet>.');
  const tags = children(tagSet, 'Tag').map((t): Tag => {
    if (!isNode(t)) throw malformedXml('<Tag> must contain <Key> and <Value>.');
    const key = text(t, 'Key');
    if (key === undefined) throw malformedXml('<Tag> must contain <Key>.');
    return { key, value: text(t, 'Value') ?? '' };
  });
  validateBucketTags(tags);
  await ctx.deps.store.putBucketTags(bucketName(ctx), tags);
  return emptyResponse(200);
}

export async function getBucketTags(ctx: OpContext): Promise<OssResponse> {
  const tags = await ctx.deps.store.getBucketTags(bucketName(ctx));
  const xml = toXml('Tagging', { TagSet: { Tag: tags.map((t) => ({ Key: t.key, Value: t.value })) } });
  return xmlResponse(xml);
}

/** DELETE /<bucket>/?tagging removes every tag; `?tagging=k1,k2` only the named ones. 204 (ali-oss insists). */
export async function deleteBucketTags(ctx: OpContext): Promise<OssResponse> {
  const named = ctx.target.query.get('tagging') ?? '';
  const bucket = bucketName(ctx);
  let keep: Tag[] = [];
  if (named !== '') {
    const drop = new Set(named.split(','));
    keep = (await ctx.deps.store.getBucketTags(bucket)).filter((t) => !drop.has(t.key));
  }
  await ctx.deps.store.putBucketTags(bucket, keep);
  return emptyResponse(204);
}
