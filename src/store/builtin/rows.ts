import type {
  BucketAcl,
  BucketInfo,
  ObjectAcl,
  ObjectMeta,
  RestoreState,
  RestoreTier,
  StorageClass,
  VersioningStatus,
} from '../types.js';
import { decodeTags } from './tags.js';

/** One `store_objects` row as better-sqlite3 returns it. */
export interface ObjectRow {
  bucket: string;
  key: string;
  version_id: string;
  size: number;
  etag: string;
  content_type: string;
  last_modified: number;
  storage_class: string;
  acl: string;
  user_meta: string | null;
  http_headers: string | null;
  tags: string | null;
  restore_ready_at: number | null;
  restore_expires_at: number | null;
  restore_days: number | null;
  restore_tier: string | null;
  file: string | null;
}

export interface BucketRow {
  name: string;
  owner: string;
  acl: string;
  storage_class: string;
  region: string;
  created_at: number;
  policy: string | null;
  /** Migration 007; NULL = versioning never enabled. */
  versioning?: string | null;
}

const decodeRecord = (text: string | null): Record<string, string> =>
  text === null ? {} : (JSON.parse(text) as Record<string, string>);

/** Compact column form for userMeta/httpHeaders: NULL when empty. */
export const encodeRecord = (r: Readonly<Record<string, string>> | undefined): string | null =>
  r === undefined || Object.keys(r).length === 0 ? null : JSON.stringify(r);

export function rowToMeta(row: ObjectRow): ObjectMeta {
  return {
    bucket: row.bucket,
    key: row.key,
    versionId: row.version_id,
    size: row.size,
    etag: row.etag,
    contentType: row.content_type,
    lastModified: row.last_modified,
    storageClass: row.storage_class as StorageClass,
    acl: row.acl as ObjectAcl,
    userMeta: decodeRecord(row.user_meta),
    httpHeaders: decodeRecord(row.http_headers),
    tags: decodeTags(row.tags),
    restore: restoreFromRow(row),
  };
}

export function rowToBucket(row: BucketRow): BucketInfo {
  return {
    name: row.name,
    owner: row.owner,
    acl: row.acl as BucketAcl,
    storageClass: row.storage_class as StorageClass,
    region: row.region,
    createdAt: row.created_at,
    policy: row.policy,
    ...(row.versioning ? { versioning: row.versioning as VersioningStatus } : {}),
  };
}

/** The four restore columns as a RestoreState (null when the object was never restored). */
export function restoreFromRow(row: RestoreColumns): RestoreState | null {
  if (row.restore_ready_at === null) return null;
  return {
    readyAt: row.restore_ready_at,
    expiresAt: row.restore_expires_at ?? row.restore_ready_at,
    days: row.restore_days ?? 1,
    tier: (row.restore_tier ?? 'Standard') as RestoreTier,
  };
}

export interface RestoreColumns {
  restore_ready_at: number | null;
  restore_expires_at: number | null;
  restore_days: number | null;
  restore_tier: string | null;
}
