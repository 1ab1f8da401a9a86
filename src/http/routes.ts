import { OssError } from '../protocol/oss-error.js';
import type { RequestTarget } from '../protocol/request-target.js';
import type { OpContext } from './context.js';
import type { OssResponse } from './response.js';
import * as bucketH from './handlers/bucket.js';
import * as deleteMultipleH from './handlers/delete-multiple.js';
import * as jobsH from './handlers/jobs.js';
import * as listH from './handlers/list.js';
import * as objectReadH from './handlers/object-read.js';
import * as objectWriteH from './handlers/object-write.js';
import * as objectSubH from './handlers/object-sub.js';
import * as policyH from './handlers/policy.js';
import * as versioningH from './handlers/versioning.js';
import * as inventoryH from './handlers/inventory.js';
import * as bucketConfigH from './handlers/bucket-config.js';
import * as corsH from './handlers/cors.js';
import * as multipartH from './handlers/multipart.js';
import * as multipartListH from './handlers/multipart-list.js';
import { UNCONFIGURED } from './routes-unconfigured.js';
import { retryJobHandler } from '../extensions/job-retry/http.js';

export type Level = 'service' | 'bucket' | 'object';
export type Handler = (ctx: OpContext) => Promise<OssResponse>;

/**
 * How the dispatcher authorises before calling the handler:
 * - `jobs`: the jobs layer authorises itself (spec §8.2); no bucket is loaded.
 * - `service`: RAM action on `acs:oss:<region>:<caller>:*`.
 * - `new-bucket`: the bucket may not exist yet (PutBucket).
 * - `bucket` / `object`: the bucket must exist (NoSuchBucket otherwise); objects are loaded for their ACL.
 * - `bucket-keys`: the bucket must exist; the handler authorises each key itself (DeleteMultipleObjects).
 * - `preflight`: the bucket must exist; nothing is authorised (CORS preflights are never signed).
 */
export type AuthMode = 'jobs' | 'service' | 'new-bucket' | 'bucket' | 'bucket-keys' | 'object' | 'preflight';

export interface Route {
  readonly operation: string;
  /** RAM action (spec §10.2); undefined for `jobs`. */
  readonly action: string | undefined;
  readonly auth: AuthMode;
  readonly handler: Handler;
}

const r = (operation: string, action: string | undefined, auth: AuthMode, handler: Handler): Route => ({
  operation,
  action,
  auth,
  handler,
});

/** Sub-resources that select an operation. Everything else in the query is a parameter. */
const DISPATCH_SUBRESOURCES = [
  'batchJob',
  'batchJobPriority',
  'batchJobStatus',
  // ossbatch extension (src/extensions/job-retry): not an OSS API.
  'batchJobRetry',
  'acl',
  'tagging',
  'restore',
  'policy',
  'bucketInfo',
  'objectMeta',
  'delete',
  'versioning',
  'versions',
  'inventory',
  'uploads',
  'uploadId',
  'location',
  'stat',
  'cors',
  'lifecycle',
  'website',
  'encryption',
  'logging',
  'referer',
  'worm',
  'replication',
  'requestPayment',
  'transferAcceleration',
] as const;
type SubResource = (typeof DISPATCH_SUBRESOURCES)[number] | '';

/** OSS sub-resources this server does not implement: answered with InvalidRequest, never misrouted. */
const UNSUPPORTED_SUBRESOURCES = new Set([
  'append',
  'symlink',
  'wormId',
  'cname',
  'qos',
  'live',
  'comp',
  'metaQuery',
  'accessPoint',
  'publicAccessBlock',
  'objectworm',
  'x-oss-process',
  'callback',
  'asyncFetch',
  'regionList',
  'cleanRestoredObject',
]);

const JOB_SUBRESOURCES = new Set(['batchJob', 'batchJobPriority', 'batchJobStatus', 'batchJobRetry']);

/** (level, method, sub-resource) → route. ListObjects(V2), CopyObject and DescribeJob are refined below. */
const TABLE: Record<string, Route> = {
  'service GET ': r('ListBuckets', 'oss:ListBuckets', 'service', bucketH.listBuckets),
  'service POST batchJob': r('CreateJob', undefined, 'jobs', jobsH.createJob),
  'service GET batchJob': r('ListJobs', undefined, 'jobs', jobsH.listJobs),
  'service POST batchJobPriority': r('UpdateJobPriority', undefined, 'jobs', jobsH.updateJobPriority),
  'service POST batchJobStatus': r('UpdateJobStatus', undefined, 'jobs', jobsH.updateJobStatus),
  'service POST batchJobRetry': r('RetryJob', undefined, 'jobs', retryJobHandler),

  'bucket PUT ': r('PutBucket', 'oss:PutBucket', 'new-bucket', bucketH.putBucket),
  'bucket GET ': r('ListObjects', 'oss:ListObjects', 'bucket', listH.listObjects),
  'bucket DELETE ': r('DeleteBucket', 'oss:DeleteBucket', 'bucket', bucketH.deleteBucket),
  'bucket POST delete': r(
    'DeleteMultipleObjects',
    'oss:DeleteObject',
    'bucket-keys',
    deleteMultipleH.deleteMultipleObjects,
  ),
  'bucket GET acl': r('GetBucketAcl', 'oss:GetBucketAcl', 'bucket', bucketH.getBucketAcl),
  'bucket PUT acl': r('PutBucketAcl', 'oss:PutBucketAcl', 'bucket', bucketH.putBucketAcl),
  'bucket GET bucketInfo': r('GetBucketInfo', 'oss:GetBucketInfo', 'bucket', bucketH.getBucketInfo),
  'bucket PUT versioning': r(
    'PutBucketVersioning',
    'oss:PutBucketVersioning',
    'bucket',
    versioningH.putBucketVersioning,
  ),
  'bucket GET versioning': r(
    'GetBucketVersioning',
    'oss:GetBucketVersioning',
    'bucket',
    versioningH.getBucketVersioning,
  ),
  'bucket GET versions': r(
    'ListObjectVersions',
    'oss:ListObjectVersions',
    'bucket',
    versioningH.listObjectVersions,
  ),
  'bucket PUT inventory': r(
    'PutBucketInventory',
    'oss:PutBucketInventory',
    'bucket',
    inventoryH.putBucketInventory,
  ),
  'bucket GET inventory': r(
    'ListBucketInventory',
    'oss:ListBucketInventory',
    'bucket',
    inventoryH.listBucketInventory,
  ),
  'bucket DELETE inventory': r(
    'DeleteBucketInventory',
    'oss:DeleteBucketInventory',
    'bucket',
    inventoryH.deleteBucketInventory,
  ),
  // ossbatch extension: run an inventory now (docs/api.md).
  'bucket POST inventory': r(
    'RunBucketInventory',
    'oss:PutBucketInventory',
    'bucket',
    inventoryH.runBucketInventory,
  ),
  'bucket GET policy': r('GetBucketPolicy', 'oss:GetBucketPolicy', 'bucket', policyH.getBucketPolicy),
  'bucket PUT policy': r('PutBucketPolicy', 'oss:PutBucketPolicy', 'bucket', policyH.putBucketPolicy),
  'bucket DELETE policy': r(
    'DeleteBucketPolicy',
    'oss:DeleteBucketPolicy',
    'bucket',
    policyH.deleteBucketPolicy,
  ),

  // Bucket basics (issue 9)
  'bucket GET location': r(
    'GetBucketLocation',
    'oss:GetBucketLocation',
    'bucket',
    bucketConfigH.getBucketLocation,
  ),
  'bucket GET stat': r('GetBucketStat', 'oss:GetBucketStat', 'bucket', bucketConfigH.getBucketStat),
  'bucket PUT tagging': r('PutBucketTags', 'oss:PutBucketTagging', 'bucket', bucketConfigH.putBucketTags),
  'bucket GET tagging': r('GetBucketTags', 'oss:GetBucketTagging', 'bucket', bucketConfigH.getBucketTags),
  'bucket DELETE tagging': r(
    'DeleteBucketTags',
    'oss:DeleteBucketTagging',
    'bucket',
    bucketConfigH.deleteBucketTags,
  ),
  'bucket PUT cors': r('PutBucketCors', 'oss:PutBucketCors', 'bucket', corsH.putBucketCors),
  'bucket GET cors': r('GetBucketCors', 'oss:GetBucketCors', 'bucket', corsH.getBucketCors),
  'bucket DELETE cors': r('DeleteBucketCors', 'oss:DeleteBucketCors', 'bucket', corsH.deleteBucketCors),
  'bucket OPTIONS ': r('Options', undefined, 'preflight', corsH.preflight),
  'object OPTIONS ': r('Options', undefined, 'preflight', corsH.preflight),
  ...UNCONFIGURED,

  // Multipart upload (issue 9); OSS authorises Initiate/UploadPart(Copy)/Complete as oss:PutObject.
  'bucket GET uploads': r(
    'ListMultipartUploads',
    'oss:ListMultipartUploads',
    'bucket',
    multipartListH.listMultipartUploads,
  ),
  'object POST uploads': r(
    'InitiateMultipartUpload',
    'oss:PutObject',
    'object',
    multipartH.initiateMultipartUpload,
  ),
  'object PUT uploadId': r('UploadPart', 'oss:PutObject', 'object', multipartH.uploadPart),
  'object POST uploadId': r(
    'CompleteMultipartUpload',
    'oss:PutObject',
    'object',
    multipartH.completeMultipartUpload,
  ),
  'object DELETE uploadId': r(
    'AbortMultipartUpload',
    'oss:AbortMultipartUpload',
    'object',
    multipartH.abortMultipartUpload,
  ),
  'object GET uploadId': r('ListParts', 'oss:ListParts', 'object', multipartListH.listParts),

  'object PUT ': r('PutObject', 'oss:PutObject', 'object', objectWriteH.putObject),
  'object GET ': r('GetObject', 'oss:GetObject', 'object', objectReadH.getObject),
  'object HEAD ': r('HeadObject', 'oss:GetObject', 'object', objectReadH.headObject),
  'object HEAD objectMeta': r('GetObjectMeta', 'oss:GetObject', 'object', objectReadH.getObjectMeta),
  'object GET objectMeta': r('GetObjectMeta', 'oss:GetObject', 'object', objectReadH.getObjectMeta),
  'object DELETE ': r('DeleteObject', 'oss:DeleteObject', 'object', objectWriteH.deleteObject),
  'object PUT tagging': r('PutObjectTagging', 'oss:PutObjectTagging', 'object', objectSubH.putObjectTagging),
  'object GET tagging': r('GetObjectTagging', 'oss:GetObjectTagging', 'object', objectSubH.getObjectTagging),
  'object DELETE tagging': r(
    'DeleteObjectTagging',
    'oss:DeleteObjectTagging',
    'object',
    objectSubH.deleteObjectTagging,
  ),
  'object PUT acl': r('PutObjectAcl', 'oss:PutObjectAcl', 'object', objectSubH.putObjectAcl),
  'object GET acl': r('GetObjectAcl', 'oss:GetObjectAcl', 'object', objectSubH.getObjectAcl),
  'object POST restore': r('RestoreObject', 'oss:RestoreObject', 'object', objectSubH.restoreObject),
};

const LIST_V2 = r('ListObjectsV2', 'oss:ListObjects', 'bucket', listH.listObjects);
const DESCRIBE_JOB = r('DescribeJob', undefined, 'jobs', jobsH.describeJob);
const COPY_OBJECT = r('CopyObject', 'oss:PutObject', 'object', objectWriteH.copyObject);
const GET_INVENTORY = r(
  'GetBucketInventory',
  'oss:GetBucketInventory',
  'bucket',
  inventoryH.getBucketInventory,
);

/**
 * RAM actions OSS checks instead when an object request names a version (`?versionId=`): a policy that
 * grants oss:GetObject does not by itself grant reading old versions (OSS RAM action list).
 */
const VERSION_ACTIONS: Readonly<Record<string, string>> = {
  GetObject: 'oss:GetObjectVersion',
  HeadObject: 'oss:GetObjectVersion',
  GetObjectMeta: 'oss:GetObjectVersion',
  DeleteObject: 'oss:DeleteObjectVersion',
  PutObjectTagging: 'oss:PutObjectVersionTagging',
  GetObjectTagging: 'oss:GetObjectVersionTagging',
  DeleteObjectTagging: 'oss:DeleteObjectVersionTagging',
  PutObjectAcl: 'oss:PutObjectVersionAcl',
  GetObjectAcl: 'oss:GetObjectVersionAcl',
};

/** The RAM action a request is authorised as: the route's, or its version variant when `versionId` is given. */
export function actionOf(route: Route, query: ReadonlyMap<string, string>): string | undefined {
  return query.has('versionId') ? (VERSION_ACTIONS[route.operation] ?? route.action) : route.action;
}

const UPLOAD_PART_COPY = r('UploadPartCopy', 'oss:PutObject', 'object', multipartH.uploadPartCopy);

function subResourceOf(query: ReadonlyMap<string, string>): SubResource {
  let found: SubResource = '';
  for (const name of DISPATCH_SUBRESOURCES) {
    if (!query.has(name)) continue;
    // `?batchJob&batchJobId=…` style combos are fine; two operation selectors are not.
    if (found !== '' && !(JOB_SUBRESOURCES.has(found) && JOB_SUBRESOURCES.has(name))) {
      throw new OssError('InvalidRequest', `The sub-resources ${found} and ${name} cannot be combined.`);
    }
    if (found === '') found = name;
  }
  for (const name of query.keys()) {
    if (UNSUPPORTED_SUBRESOURCES.has(name)) {
      throw new OssError('InvalidRequest', `The sub-resource ${name} is not supported by this server.`);
    }
  }
  return found;
}

function levelOf(target: RequestTarget, sub: SubResource): Level {
  // The batch APIs are service-level even when a bucket is in the Host (spec §1; the bucket is ignored).
  if (sub !== '' && JOB_SUBRESOURCES.has(sub)) return 'service';
  if (target.bucket === undefined) return 'service';
  return target.key === undefined ? 'bucket' : 'object';
}

/** Finds the operation for a request; MethodNotAllowed / InvalidRequest for combinations OSS does not have. */
export function resolveRoute(method: string, target: RequestTarget, hasCopySource: boolean): Route {
  const sub = subResourceOf(target.query);
  const level = levelOf(target, sub);
  const route = TABLE[`${level} ${method} ${sub}`];
  if (route === undefined) {
    const known = Object.keys(TABLE).some((k) => {
      const [l, , s = ''] = k.split(' ');
      return l === level && s === sub;
    });
    if (known)
      throw new OssError('MethodNotAllowed', `The method ${method} is not allowed against this resource.`);
    const what = sub === '' ? 'this resource' : `the sub-resource ${sub} at the ${level} level`;
    throw new OssError('InvalidRequest', `The operation is not supported for ${what}.`);
  }
  if (route.operation === 'ListObjects' && target.query.get('list-type') === '2') return LIST_V2;
  if (route.operation === 'ListJobs' && target.query.has('batchJobId')) return DESCRIBE_JOB;
  if (route.operation === 'PutObject' && hasCopySource) return COPY_OBJECT;
  if (route.operation === 'ListBucketInventory' && target.query.has('inventoryId')) return GET_INVENTORY;
  if (route.operation === 'UploadPart' && hasCopySource) return UPLOAD_PART_COPY;
  return route;
}
