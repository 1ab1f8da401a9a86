import type { AuthMode, Handler, Route } from './routes.js';
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

/**
 * Every OSS operation this server answers: (level, method, sub-resource) → operation, RAM action, how it is
 * authorised and its handler. How a request finds its entry (and the refinements below) is routes.ts.
 */

const r = (operation: string, action: string | undefined, auth: AuthMode, handler: Handler): Route => ({
  operation,
  action,
  auth,
  handler,
});

/** (level, method, sub-resource) → route. ListObjects(V2), CopyObject and DescribeJob are refined below. */
export const TABLE: Record<string, Route> = {
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

export const LIST_V2 = r('ListObjectsV2', 'oss:ListObjects', 'bucket', listH.listObjects);
export const DESCRIBE_JOB = r('DescribeJob', undefined, 'jobs', jobsH.describeJob);
export const COPY_OBJECT = r('CopyObject', 'oss:PutObject', 'object', objectWriteH.copyObject);
export const GET_INVENTORY = r(
  'GetBucketInventory',
  'oss:GetBucketInventory',
  'bucket',
  inventoryH.getBucketInventory,
);

export const UPLOAD_PART_COPY = r('UploadPartCopy', 'oss:PutObject', 'object', multipartH.uploadPartCopy);
