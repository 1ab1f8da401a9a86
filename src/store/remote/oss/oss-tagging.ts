import { OssError } from '../../../protocol/oss-error.js';
import { toXml } from '../../../protocol/xml.js';
import type { Tag } from '../../types.js';
import type { AliOssRaw } from './ali-oss-client.js';

/**
 * PutObjectTagging through ali-oss's request plumbing. ali-oss's own putObjectTagging checks tags against
 * an ASCII-only pattern that refuses an empty value and any non-ASCII letter, both valid in OSS; the tags
 * were already checked against OSS's rules (store/builtin/tags.ts) before this call.
 */
export async function putTagging(
  client: AliOssRaw,
  key: string,
  tags: readonly Tag[],
  versionId?: string,
): Promise<void> {
  const subres: Record<string, string> = { tagging: '' };
  if (versionId !== undefined) subres.versionId = versionId;
  const params = client._objectRequestParams('PUT', key, { subres });
  params.mime = 'xml';
  params.content = toXml('Tagging', {
    TagSet: { Tag: tags.map((t) => ({ Key: t.key, Value: t.value })) },
  });
  params.successStatuses = [200];
  await client.request(params);
}

/**
 * ali-oss builds its URLs with the WHATWG URL parser, which folds `.` and `..` path segments (also as
 * `%2E`), so `dir/../x` would address `x`. Such names are refused rather than silently redirected.
 */
export function refuseDotSegments(key: string): void {
  if (/(^|\/)\.{1,2}(\/|$)/.test(key)) {
    throw new OssError(
      'InvalidObjectName',
      `The oss store adapter cannot address object names with "." or ".." path segments (${key.slice(0, 64)}).`,
    );
  }
}
