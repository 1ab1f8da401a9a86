import type { ObjectStore } from '../store/object-store.js';
import type { ObjectMeta } from '../store/types.js';
import type { VersionEntry } from '../store/versioning.js';
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

/** Optional fields a 'summary' listing (a remote store's) cannot fill: it carries no tags and no ACL. */
const NEEDS_HEAD: ReadonlySet<OptionalField> = new Set(['ObjectAcl', 'TaggingCount']);

/**
 * True when the listing lacks fields the configuration asks for, so each listed object is headed: a page's
 * HEADs go out at once, bounded by the remote store's limiter (64 in flight by default), instead of one
 * round trip after another.
 */
const headEach = (store: ObjectStore, c: InventoryConfig): boolean =>
  store.listingDetail === 'summary' && c.optionalFields.some((f) => NEEDS_HEAD.has(f));

function headCurrent(store: ObjectStore, bucket: string, metas: readonly ObjectMeta[]) {
  return Promise.all(metas.map((m) => store.headObject(bucket, m.key)));
}

function headVersions(store: ObjectStore, bucket: string, entries: readonly VersionEntry[]) {
  return Promise.all(
    entries.map(async (v): Promise<VersionEntry | undefined> => {
      if (v.kind !== 'version') return v;
      const found = await store.headVersion(bucket, v.meta.key, wireVersionId(v.meta.versionId));
      return found.kind === 'object' ? { ...v, meta: found.meta } : undefined;
    }),
  );
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
      const metas = headEach(store, c) ? await headCurrent(store, bucket, page.objects) : page.objects;
      for (const meta of metas) {
        if (meta === undefined) continue; // deleted between the listing and its HEAD
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
    const entries = headEach(store, c) ? await headVersions(store, bucket, page.entries) : page.entries;
    for (const v of entries) {
      if (v === undefined) continue;
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
