import { OssError, invalidArgument, noSuchKey } from '../protocol/oss-error.js';
import type { RequestTarget } from '../protocol/request-target.js';
import type { ObjectStore } from '../store/object-store.js';
import type { BucketInfo, ObjectMeta } from '../store/types.js';
import { wireVersionId } from '../store/version-ids.js';

/** `?versionId=…` of an object request; an empty value is refused as OSS does. */
export function requestedVersion(target: RequestTarget): string | undefined {
  const v = target.query.get('versionId');
  if (v === '') throw invalidArgument('versionId must not be empty.', { ArgumentName: 'versionId' });
  return v;
}

/** The object (version) an object-level request addresses, loaded before authorisation for its ACL. */
export async function loadTargetObject(
  store: ObjectStore,
  bucket: string,
  target: RequestTarget,
): Promise<ObjectMeta | undefined> {
  const key = target.key ?? '';
  const versionId = requestedVersion(target);
  if (versionId === undefined) return store.headObject(bucket, key);
  const found = await store.headVersion(bucket, key, versionId);
  return found.kind === 'object' ? found.meta : undefined;
}

/** `x-oss-version-id` for an object of a bucket that has (or had) versioning, or when one was asked for. */
export function versionHeader(
  bucket: BucketInfo | undefined,
  meta: ObjectMeta,
  asked: string | undefined,
): Record<string, string> {
  if (bucket?.versioning === undefined && asked === undefined) return {};
  return { 'x-oss-version-id': wireVersionId(meta.versionId) };
}

/**
 * The error for an object request whose target was not found: NoSuchVersion when the key has other
 * versions; NoSuchKey otherwise — with `x-oss-delete-marker: true` and the marker's `x-oss-version-id`
 * when a delete marker is what the request hit (OSS answers GET/HEAD on a delete marker with 404).
 */
export async function missError(
  store: ObjectStore,
  bucket: string,
  target: RequestTarget,
): Promise<OssError> {
  const key = target.key ?? '';
  const versionId = requestedVersion(target);
  const found = await store.headVersion(bucket, key, versionId);
  if (found.kind === 'delete-marker') {
    return new OssError('NoSuchKey', undefined, {
      details: { Key: key },
      headers: {
        'x-oss-delete-marker': 'true',
        'x-oss-version-id': wireVersionId(found.versionId),
        'Last-Modified': new Date(found.lastModified).toUTCString(),
      },
    });
  }
  if (found.kind === 'no-such-version' || (versionId !== undefined && found.kind === 'object'))
    return new OssError('NoSuchVersion', undefined, { details: { Key: key, VersionId: versionId ?? '' } });
  return noSuchKey(key);
}
