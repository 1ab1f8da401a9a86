import type { Grant } from '@aws-sdk/client-s3';
import type { ObjectAcl, StorageClass, Tag } from '../../types.js';

/**
 * OSS storage classes as S3 classes. Archive → GLACIER (Flexible Retrieval: needs a restore, like OSS
 * Archive); ColdArchive and DeepColdArchive → DEEP_ARCHIVE (S3 has one deeper tier). Reading back, the
 * classes that need no restore map to Standard/IA, so nothing readable ever looks frozen.
 */
const TO_S3: Record<StorageClass, string> = {
  Standard: 'STANDARD',
  IA: 'STANDARD_IA',
  Archive: 'GLACIER',
  ColdArchive: 'DEEP_ARCHIVE',
  DeepColdArchive: 'DEEP_ARCHIVE',
};
const FROM_S3: Record<string, StorageClass> = {
  STANDARD: 'Standard',
  REDUCED_REDUNDANCY: 'Standard',
  INTELLIGENT_TIERING: 'Standard',
  EXPRESS_ONEZONE: 'Standard',
  STANDARD_IA: 'IA',
  ONEZONE_IA: 'IA',
  GLACIER_IR: 'IA',
  GLACIER: 'Archive',
  DEEP_ARCHIVE: 'ColdArchive',
};

export const toS3Class = (c: StorageClass): string => TO_S3[c];
export const fromS3Class = (c: string | undefined): StorageClass => FROM_S3[c ?? 'STANDARD'] ?? 'Standard';

/**
 * OSS object ACLs as S3 canned ACLs. S3 has no "inherit the bucket" ACL: 'default' writes `private`, and
 * an owner-only grant list reads back as 'default', so ossbatch's bucket ACL (in its catalog) decides. An
 * explicit 'private' therefore reads back as 'default' too (docs/operations.md).
 */
export function toS3Acl(acl: ObjectAcl): 'private' | 'public-read' | 'public-read-write' {
  return acl === 'default' ? 'private' : acl;
}

const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';

export function fromS3Grants(grants: readonly Grant[] | undefined): ObjectAcl {
  const publicPerms = new Set(
    (grants ?? []).filter((g) => g.Grantee?.URI === ALL_USERS).map((g) => g.Permission ?? ''),
  );
  if (publicPerms.has('FULL_CONTROL') || publicPerms.has('WRITE')) return 'public-read-write';
  if (publicPerms.has('READ')) return 'public-read';
  return 'default';
}

/** `x-amz-tagging` is a URL query string. */
export const tagsToQuery = (tags: readonly Tag[]): string =>
  tags.map((t) => `${encodeURIComponent(t.key)}=${encodeURIComponent(t.value)}`).join('&');

/** The stored HTTP headers OSS keeps (object-headers.ts STORED_HTTP_HEADERS) as S3 input fields. */
export function headerFields(h: Record<string, string> | undefined): {
  CacheControl?: string;
  ContentDisposition?: string;
  ContentEncoding?: string;
  ContentLanguage?: string;
  Expires?: Date;
} {
  const out: ReturnType<typeof headerFields> = {};
  for (const [name, value] of Object.entries(h ?? {})) {
    const n = name.toLowerCase();
    if (n === 'cache-control') out.CacheControl = value;
    else if (n === 'content-disposition') out.ContentDisposition = value;
    else if (n === 'content-encoding') out.ContentEncoding = value;
    else if (n === 'content-language') out.ContentLanguage = value;
    else if (n === 'expires' && !Number.isNaN(Date.parse(value))) out.Expires = new Date(value);
  }
  return out;
}

/** The same fields from a HEAD answer, named as OSS stores them. */
export function headersFromHead(h: {
  CacheControl?: string | undefined;
  ContentDisposition?: string | undefined;
  ContentEncoding?: string | undefined;
  ContentLanguage?: string | undefined;
  ExpiresString?: string | undefined;
}): Record<string, string> {
  const out: Record<string, string> = {};
  if (h.CacheControl) out['Cache-Control'] = h.CacheControl;
  if (h.ContentDisposition) out['Content-Disposition'] = h.ContentDisposition;
  if (h.ContentEncoding) out['Content-Encoding'] = h.ContentEncoding;
  if (h.ContentLanguage) out['Content-Language'] = h.ContentLanguage;
  if (h.ExpiresString) out.Expires = h.ExpiresString;
  return out;
}
