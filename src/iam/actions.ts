/**
 * OSS API name → RAM action the request is authorised as (spec §10.2). Most APIs are their own action
 * (`oss:<Api>`); the table lists the ones that are not 1:1.
 */
const API_ACTIONS: Readonly<Record<string, string>> = {
  HeadObject: 'oss:GetObject',
  GetObjectMeta: 'oss:GetObject',
  SelectObject: 'oss:GetObject',
  AppendObject: 'oss:PutObject',
  PostObject: 'oss:PutObject',
  CopyObject: 'oss:PutObject',
  InitiateMultipartUpload: 'oss:PutObject',
  UploadPart: 'oss:PutObject',
  UploadPartCopy: 'oss:PutObject',
  CompleteMultipartUpload: 'oss:PutObject',
  DeleteMultipleObjects: 'oss:DeleteObject',
  PutObjectACL: 'oss:PutObjectAcl',
  GetObjectACL: 'oss:GetObjectAcl',
  PutBucketACL: 'oss:PutBucketAcl',
  GetBucketACL: 'oss:GetBucketAcl',
  ListObjectsV2: 'oss:ListObjects',
  GetService: 'oss:ListBuckets',
  ListBuckets: 'oss:ListBuckets',
  GetBucketStat: 'oss:GetBucketStat',
  GetBucketLocation: 'oss:GetBucketLocation',
};

/** The RAM action for an OSS API name, e.g. `HeadObject` → `oss:GetObject`, `PutObjectTagging` → `oss:PutObjectTagging`. */
export function actionForApi(api: string): string {
  return API_ACTIONS[api] ?? `oss:${api}`;
}
