import type { BucketAcl, ObjectAcl } from '../store/types.js';

/**
 * What canned ACLs grant to callers that no policy allowed (anonymous users, other accounts, RAM users
 * without a grant) — spec §10.5 step 4 and §11.2. Actions are the RAM action names (lower-cased here):
 *
 * | effective ACL     | object-level actions                                   | bucket-level actions                         |
 * |-------------------|--------------------------------------------------------|----------------------------------------------|
 * | private           | none                                                   | none                                         |
 * | public-read       | oss:GetObject (GetObject, HeadObject, GetObjectMeta),  | oss:ListObjects (ListObjects, ListObjectsV2),|
 * |                   | oss:GetObjectVersion (the same with ?versionId=)       | oss:ListObjectVersions                       |
 * | public-read-write | the above + oss:PutObject, oss:DeleteObject,           | the above + oss:ListMultipartUploads         |
 * |                   | oss:AbortMultipartUpload, oss:ListParts                |                                              |
 *
 * Effective ACL: for object-level actions the object's ACL, or the bucket's when the object's is `default`
 * or the object does not exist yet (PutObject of a new key); for bucket-level actions the bucket's ACL.
 * Reading or changing ACLs, tags, policies and bucket settings is never granted by an ACL: that stays with
 * the owner and explicit grants (OSS behaves so: an anonymous GetObjectAcl on a public-read object is 403).
 */
// Reading a given version (`?versionId=`) is a read like any other (the version's own ACL applies).
const READ_OBJECT = ['oss:getobject', 'oss:getobjectversion'];
const WRITE_OBJECT = ['oss:putobject', 'oss:deleteobject', 'oss:abortmultipartupload', 'oss:listparts'];
const READ_BUCKET = ['oss:listobjects', 'oss:listobjectversions'];
const WRITE_BUCKET = ['oss:listmultipartuploads'];

const OBJECT_GRANTS: Record<BucketAcl, ReadonlySet<string>> = {
  private: new Set(),
  'public-read': new Set(READ_OBJECT),
  'public-read-write': new Set([...READ_OBJECT, ...WRITE_OBJECT]),
};
const BUCKET_GRANTS: Record<BucketAcl, ReadonlySet<string>> = {
  private: new Set(),
  'public-read': new Set(READ_BUCKET),
  'public-read-write': new Set([...READ_BUCKET, ...WRITE_BUCKET]),
};

export function effectiveAcl(bucketAcl: BucketAcl, objectAcl: ObjectAcl | undefined): BucketAcl {
  return objectAcl === undefined || objectAcl === 'default' ? bucketAcl : objectAcl;
}

/** True when the canned ACLs alone let anyone perform `lowerAction` (a lower-cased RAM action name). */
export function aclAllows(
  lowerAction: string,
  bucketAcl: BucketAcl,
  objectAcl: ObjectAcl | undefined,
): boolean {
  return (
    OBJECT_GRANTS[effectiveAcl(bucketAcl, objectAcl)].has(lowerAction) ||
    BUCKET_GRANTS[bucketAcl].has(lowerAction)
  );
}
