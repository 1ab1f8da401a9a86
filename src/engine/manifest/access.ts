import type { BucketInfo, ObjectMeta } from '../../store/types.js';
import type { RoleRecord } from '../../iam/types.js';
import type { JobRecord } from '../../jobs/model.js';
import { ManifestError, type ManifestDeps } from './types.js';

/** The job's RAM role; a job whose role vanished cannot read anything (AccessDenied). */
export async function jobRole(deps: ManifestDeps, job: JobRecord): Promise<RoleRecord> {
  const role = await deps.iam.findRoleByArn(job.spec.roleArn);
  if (!role) throw new ManifestError('AccessDenied', `The job's role ${job.spec.roleArn} does not exist.`);
  return role;
}

export async function requireBucket(deps: ManifestDeps, name: string): Promise<BucketInfo> {
  const bucket = await deps.store.getBucket(name);
  if (!bucket) throw new ManifestError('NoSuchBucket', `The manifest bucket ${name} does not exist.`);
  return bucket;
}

/** True when the role may call `action` on `resource` (spec §8.1: the role reads the manifest, lists the source bucket). */
export async function roleMay(
  deps: ManifestDeps,
  role: RoleRecord,
  bucket: BucketInfo,
  action: string,
  resource: string,
  extra: { objectAcl?: ObjectMeta['acl'] | undefined; keys?: Record<string, string> } = {},
): Promise<boolean> {
  const decision = await deps.iam.authorize({
    principal: deps.iam.roleAsPrincipal(role),
    action,
    resource,
    bucket,
    objectAcl: extra.objectAcl,
    context: {
      secureTransport: false,
      currentTime: deps.clock.now(),
      ...(extra.keys ? { keys: extra.keys } : {}),
    },
  });
  return decision === 'allow';
}

export const objectArn = (region: string, bucket: BucketInfo, key: string): string =>
  `acs:oss:${region}:${bucket.owner}:${bucket.name}/${key}`;
export const bucketArn = (region: string, bucket: BucketInfo): string =>
  `acs:oss:${region}:${bucket.owner}:${bucket.name}`;

/** Strips surrounding quotes and upper-cases, so `"abc…"` and `ABC…` compare equal (spec gap 16). */
export const normaliseEtag = (etag: string): string =>
  etag
    .trim()
    .replace(/^"+|"+$/g, '')
    .toUpperCase();

/**
 * A manifest's bytes for a reader that consumes each chunk at once: through the store's reused buffers
 * where it has them (ObjectStore.scanObject), else its stream.
 */
export const manifestBytes = (
  deps: ManifestDeps,
  meta: ObjectMeta,
  range?: { start: number; end: number },
): AsyncIterable<Buffer> => deps.store.scanObject?.(meta, range) ?? deps.store.readObject(meta, range);

export interface OpenedObject {
  readonly bucket: BucketInfo;
  readonly meta: ObjectMeta;
}

/**
 * The manifest object: its current version, or the version `versionId` names (an older one of a
 * versioned bucket is fine: the manifest as it was). Undefined when missing or a delete marker.
 */
async function manifestVersion(
  deps: ManifestDeps,
  bucket: string,
  key: string,
  versionId: string | undefined,
): Promise<ObjectMeta | undefined | 'no-such-version'> {
  if (versionId === undefined || versionId === '') return deps.store.headObject(bucket, key);
  const found = await deps.store.headVersion(bucket, key, versionId);
  if (found.kind === 'object') return found.meta;
  return found.kind === 'no-such-version' ? 'no-such-version' : undefined;
}

/**
 * Everything that must hold before a manifest object is read: bucket exists, the job's role may
 * GetObject it (checked before existence, so a role without access learns nothing about the key),
 * the object exists, and the requested version / ETag match the current object.
 */
export async function openReadable(
  deps: ManifestDeps,
  role: RoleRecord,
  bucketName: string,
  key: string,
  want: { versionId?: string | undefined; etag?: string | undefined } = {},
): Promise<OpenedObject> {
  const bucket = await requireBucket(deps, bucketName);
  const found = await manifestVersion(deps, bucketName, key, want.versionId);
  const meta = found === 'no-such-version' ? undefined : found;
  if (
    !(await roleMay(deps, role, bucket, 'oss:GetObject', objectArn(deps.region, bucket, key), {
      objectAcl: meta?.acl,
    }))
  ) {
    throw new ManifestError(
      'AccessDenied',
      `The job's role may not read oss://${bucketName}/${key} (oss:GetObject).`,
    );
  }
  if (found === 'no-such-version')
    throw new ManifestError(
      'NoSuchVersion',
      `Version ${want.versionId ?? ''} of oss://${bucketName}/${key} does not exist.`,
    );
  if (!meta)
    throw new ManifestError('NoSuchKey', `The manifest object oss://${bucketName}/${key} does not exist.`);
  if (want.etag !== undefined && want.etag !== '' && normaliseEtag(want.etag) !== normaliseEtag(meta.etag)) {
    throw new ManifestError(
      'ManifestETagMismatch',
      `The manifest ETag ${want.etag} does not match the object's ETag "${meta.etag}".`,
    );
  }
  return { bucket, meta };
}

/**
 * At execution time: the object a chunk was cut from must be unchanged, or the chunk's byte/row range
 * means nothing any more.
 */
export async function reopenUnchanged(
  deps: ManifestDeps,
  bucketName: string,
  key: string,
  etag: string,
  versionId?: string,
): Promise<ObjectMeta> {
  const found = await manifestVersion(deps, bucketName, key, versionId);
  const meta = found === 'no-such-version' ? undefined : found;
  if (!meta)
    throw new ManifestError('NoSuchKey', `The manifest object oss://${bucketName}/${key} no longer exists.`);
  if (normaliseEtag(meta.etag) !== normaliseEtag(etag)) {
    throw new ManifestError(
      'InvalidManifest',
      `The manifest object oss://${bucketName}/${key} changed after the job was planned.`,
    );
  }
  return meta;
}
