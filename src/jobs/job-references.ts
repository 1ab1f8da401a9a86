import type { Iam } from '../iam/types.js';
import type { ObjectStore } from '../store/object-store.js';
import { invalidArgument, noSuchBucket, noSuchKey, OssError } from '../protocol/oss-error.js';
import type { JobSpec } from './model.js';
import { roleArnError } from './create-job-request.js';

export interface ReferenceDeps {
  readonly iam: Iam;
  readonly store: ObjectStore;
  readonly region: string;
}

/**
 * What CreateJob checks against the world before accepting a job (spec §2.5, §8.1, gap 19):
 * the role exists in the caller's account and trusts oss.aliyuncs.com (EC 0017-00001009), and every
 * bucket named (manifest, prefix source, report) exists in this region, and the manifest object exists.
 * Whether the manifest is readable by the role, parses, or matches its ETag is found out by the planner and
 * fails the job, not the API call (a later problem must not be reported as if the request were wrong).
 */
export async function checkJobReferences(
  spec: JobSpec,
  accountId: string,
  deps: ReferenceDeps,
): Promise<void> {
  await checkRole(spec.roleArn, accountId, deps.iam);
  if (spec.manifest) {
    await checkBucket(spec.manifest.bucket, 'Manifest/Location/Bucket', deps);
    const { bucket: mb, object: mo, versionId: mv } = spec.manifest;
    // A VersionId may name an older version of the manifest (versioned buckets), not only the current one.
    const found = mv === undefined ? undefined : await deps.store.headVersion(mb, mo, mv);
    const meta =
      found === undefined
        ? await deps.store.headObject(mb, mo)
        : found.kind === 'object'
          ? found.meta
          : undefined;
    if (found?.kind === 'no-such-version') {
      throw new OssError('NoSuchVersion', `The manifest version ${mv ?? ''} of ${mo} does not exist.`, {
        details: { Key: mo, VersionId: mv ?? '' },
      });
    }
    if (meta === undefined) {
      const { object, bucket } = spec.manifest;
      throw new OssError(
        'NoSuchKey',
        `The manifest object ${object} named by CreateJobRequest/Manifest/Location does not exist in bucket ${bucket}.`,
        {
          details: noSuchKey(object).details,
        },
      );
    }
  }
  if (spec.keyPrefix)
    await checkBucket(spec.keyPrefix.sourceBucket, 'KeyPrefixManifestGenerator/SourceBucket', deps);
  if (spec.report.enabled && spec.report.bucket !== undefined)
    await checkBucket(spec.report.bucket, 'Report/Bucket', deps);
}

async function checkRole(arn: string, accountId: string, iam: Iam): Promise<void> {
  const role = await iam.findRoleByArn(arn);
  // Another account's role is reported exactly like a missing one: no probing of other accounts' roles.
  if (role === undefined || role.accountId !== accountId) {
    throw roleArnError(`The role ${arn} does not exist in account ${accountId}.`);
  }
  if (!iam.roleTrustsOss(role)) {
    throw roleArnError(`The role ${arn} does not trust the OSS service (oss.aliyuncs.com) to assume it.`);
  }
}

/** The bucket must exist and be in the job's region ([DOC]: manifest and report buckets share the job's region). */
async function checkBucket(name: string, path: string, deps: ReferenceDeps): Promise<void> {
  const bucket = await deps.store.getBucket(name);
  if (bucket === undefined) {
    const e = noSuchBucket(name);
    throw new OssError(
      'NoSuchBucket',
      `The bucket ${name} named by CreateJobRequest/${path} does not exist.`,
      { details: e.details },
    );
  }
  if (bucket.region !== deps.region) {
    throw invalidArgument(
      `The bucket ${name} named by CreateJobRequest/${path} is in region ${bucket.region}, not in the job's region ${deps.region}.`,
    );
  }
}
