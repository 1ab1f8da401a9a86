import type { ObjectAcl, ObjectMeta, RestoreState, Tag } from '../types.js';
import type { RemoteHead, RemoteSummary } from './remote-driver.js';

/**
 * The remote stores' restore header (`x-oss-restore` / `x-amz-restore`) as a RestoreState. The header tells
 * only "ongoing" or the expiry, so a running restore gets an unbounded readyAt (restoreStatus: restoring
 * until a HEAD says otherwise) and the requested days/tier, which the header does not carry, read 0/Standard.
 */
export function parseRestoreHeader(value: string | undefined): RestoreState | null {
  if (value === undefined || value === '') return null;
  if (/ongoing-request\s*=\s*"true"/i.test(value)) {
    return {
      readyAt: Number.MAX_SAFE_INTEGER,
      expiresAt: Number.MAX_SAFE_INTEGER,
      days: 0,
      tier: 'Standard',
    };
  }
  const expiry = /expiry-date\s*=\s*"([^"]+)"/i.exec(value)?.[1];
  const expiresAt = expiry === undefined ? Number.NaN : Date.parse(expiry);
  if (Number.isNaN(expiresAt)) return null;
  return { readyAt: 0, expiresAt, days: 0, tier: 'Standard' };
}

export function headToMeta(
  bucket: string,
  key: string,
  head: RemoteHead,
  tags: readonly Tag[],
  acl: ObjectAcl,
): ObjectMeta {
  return {
    bucket,
    key,
    versionId: head.versionId,
    size: head.size,
    etag: head.etag,
    contentType: head.contentType,
    lastModified: head.lastModified,
    storageClass: head.storageClass,
    acl,
    userMeta: head.userMeta,
    httpHeaders: head.httpHeaders,
    tags,
    restore: parseRestoreHeader(head.restoreHeader),
  };
}

/**
 * A listing entry: the remote listing carries no tags, ACL, user metadata or restore state (each would cost
 * a call per object), so those read empty/'default'/null here; headObject has them (see the port's doc).
 */
export function summaryToMeta(bucket: string, s: RemoteSummary): ObjectMeta {
  return {
    bucket,
    key: s.key,
    versionId: 'null',
    size: s.size,
    etag: s.etag,
    contentType: 'application/octet-stream',
    lastModified: s.lastModified,
    storageClass: s.storageClass,
    acl: 'default',
    userMeta: {},
    httpHeaders: {},
    tags: [],
    restore: null,
  };
}

/** ETag as the port keeps it: upper-case, no quotes. */
export const normaliseEtag = (etag: string | undefined): string =>
  (etag ?? '').replace(/"/g, '').toUpperCase();
