import type { ObjectStore } from '../store/object-store.js';
import type { ObjectMeta } from '../store/types.js';
import { wireVersionId } from '../store/version-ids.js';
import { objectType } from '../store/object-type.js';
import type { InventoryConfig, OptionalField } from './model.js';

/** Objects per store listing call while scanning (the listing maximum). */
const PAGE = 1000;

/** One inventory entry: an object version, or (all-versions inventories) a delete marker. */
export interface InventoryEntry {
  readonly key: string;
  readonly versionId: string;
  readonly isLatest: boolean;
  readonly deleteMarker: boolean;
  readonly lastModified: number;
  readonly meta?: ObjectMeta | undefined;
}

/** The data-file columns, in OSS's order: Bucket, Key, [VersionId, IsLatest, IsDeleteMarker], optional fields. */
export function fileSchema(c: InventoryConfig): string {
  const versioned = c.includedVersions === 'All' ? ['VersionId', 'IsLatest', 'IsDeleteMarker'] : [];
  return ['Bucket', 'Key', ...versioned, ...c.optionalFields].join(', ');
}

function passes(c: InventoryConfig, e: InventoryEntry): boolean {
  const f = c.filter;
  const seconds = Math.floor(e.lastModified / 1000);
  if (f.lastModifyBegin !== undefined && seconds < f.lastModifyBegin) return false;
  if (f.lastModifyEnd !== undefined && seconds > f.lastModifyEnd) return false;
  if (e.meta === undefined) return true;
  if (f.lowerSizeBound !== undefined && e.meta.size <= f.lowerSizeBound) return false;
  if (f.upperSizeBound !== undefined && e.meta.size >= f.upperSizeBound) return false;
  if (f.storageClasses !== undefined && !f.storageClasses.includes(e.meta.storageClass)) return false;
  return true;
}

/**
 * Every entry the configuration selects, in key order (and, for All, newest version first), read page by
 * page from the store so memory stays flat in the bucket size.
 */
export async function* scanBucket(
  store: ObjectStore,
  bucket: string,
  c: InventoryConfig,
): AsyncGenerator<InventoryEntry> {
  const prefix = c.filter.prefix === '' ? undefined : c.filter.prefix;
  if (c.includedVersions === 'Current') {
    let after: string | undefined;
    for (;;) {
      const page = await store.listObjects({ bucket, prefix, after, maxKeys: PAGE });
      for (const meta of page.objects) {
        const e = {
          key: meta.key,
          versionId: meta.versionId,
          isLatest: true,
          deleteMarker: false,
          lastModified: meta.lastModified,
          meta,
        };
        if (passes(c, e)) yield e;
      }
      if (!page.isTruncated || page.nextAfter === undefined) return;
      after = page.nextAfter;
    }
  }
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  for (;;) {
    const page = await store.listObjectVersions({
      bucket,
      prefix,
      keyMarker,
      versionIdMarker,
      maxKeys: PAGE,
    });
    for (const v of page.entries) {
      const e: InventoryEntry =
        v.kind === 'version'
          ? {
              key: v.meta.key,
              versionId: v.meta.versionId,
              isLatest: v.isLatest,
              deleteMarker: false,
              lastModified: v.meta.lastModified,
              meta: v.meta,
            }
          : {
              key: v.key,
              versionId: v.versionId,
              isLatest: v.isLatest,
              deleteMarker: true,
              lastModified: v.lastModified,
            };
      if (passes(c, e)) yield e;
    }
    if (!page.isTruncated || page.nextKeyMarker === undefined) return;
    keyMarker = page.nextKeyMarker;
    versionIdMarker = page.nextVersionIdMarker;
  }
}

function optional(field: OptionalField, e: InventoryEntry): string {
  if (field === 'LastModifiedDate') return new Date(e.lastModified).toISOString();
  const m = e.meta;
  if (m === undefined) return '';
  switch (field) {
    case 'Size':
      return String(m.size);
    case 'ETag':
      return m.etag;
    case 'StorageClass':
      return m.storageClass;
    case 'IsMultipartUploaded':
      return String(objectType(m) === 'Multipart');
    case 'EncryptionStatus':
      return 'false';
    case 'ObjectAcl':
      return m.acl;
    case 'TaggingCount':
      return String(m.tags.length);
    case 'ObjectType':
      return objectType(m);
  }
}

const quote = (s: string): string => `"${s.replace(/"/g, '""')}"`;

/** One data-file line: every field double-quoted, the key URL-encoded (OSS inventory CSV). */
export function csvLine(bucket: string, c: InventoryConfig, e: InventoryEntry): string {
  const fields = [bucket, encodeURIComponent(e.key)];
  if (c.includedVersions === 'All')
    fields.push(wireVersionId(e.versionId), String(e.isLatest), String(e.deleteMarker));
  for (const f of c.optionalFields) fields.push(optional(f, e));
  return fields.map(quote).join(',') + '\n';
}
