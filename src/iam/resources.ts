/** Resource ARNs the HTTP layer and the engine pass to Iam.authorize() (spec §10.3, §8.2). */

/** acs:oss:<region>:<account>:<bucket> — bucket-level actions (ListObjects, GetBucketInfo, PutBucketAcl, …). */
export const bucketResource = (region: string, accountId: string, bucket: string): string =>
  `acs:oss:${region}:${accountId}:${bucket}`;

/** acs:oss:<region>:<account>:<bucket>/<key> — object-level actions. */
export const objectResource = (region: string, accountId: string, bucket: string, key: string): string =>
  `acs:oss:${region}:${accountId}:${bucket}/${key}`;

/**
 * acs:oss:<region>:<account>:* — the batch job APIs (oss:CreateJob, …) and ListBuckets, which name no
 * bucket (spec §8.2, gap 18): `"Resource": "*"` and `acs:oss:*:*:*` both cover it.
 */
export const serviceResource = (region: string, accountId: string): string =>
  `acs:oss:${region}:${accountId}:*`;
