import * as unconfiguredH from './handlers/unconfigured.js';
import type { AuthMode, Handler, Route } from './routes.js';

const r = (operation: string, action: string, auth: AuthMode, handler: Handler): Route => ({
  operation,
  action,
  auth,
  handler,
});

/** Bucket configurations not kept here: read as "none configured", deleted as nothing (unconfigured.ts). */
export const UNCONFIGURED: Record<string, Route> = {
  'bucket GET requestPayment': r(
    'GetBucketRequestPayment',
    'oss:GetBucketRequestPayment',
    'bucket',
    unconfiguredH.getBucketRequestPayment,
  ),
  'bucket PUT requestPayment': r(
    'PutBucketRequestPayment',
    'oss:PutBucketRequestPayment',
    'bucket',
    unconfiguredH.notImplemented,
  ),
  'bucket GET transferAcceleration': r(
    'GetBucketTransferAcceleration',
    'oss:GetBucketTransferAcceleration',
    'bucket',
    unconfiguredH.getBucketTransferAcceleration,
  ),
  'bucket PUT transferAcceleration': r(
    'PutBucketTransferAcceleration',
    'oss:PutBucketTransferAcceleration',
    'bucket',
    unconfiguredH.notImplemented,
  ),
  'bucket GET lifecycle': r(
    'GetBucketLifecycle',
    'oss:GetBucketLifecycle',
    'bucket',
    unconfiguredH.noneConfigured('NoSuchLifecycle'),
  ),
  'bucket DELETE lifecycle': r(
    'DeleteBucketLifecycle',
    'oss:DeleteBucketLifecycle',
    'bucket',
    unconfiguredH.deleteNothing,
  ),
  'bucket PUT lifecycle': r(
    'PutBucketLifecycle',
    'oss:PutBucketLifecycle',
    'bucket',
    unconfiguredH.notImplemented,
  ),
  'bucket GET website': r(
    'GetBucketWebsite',
    'oss:GetBucketWebsite',
    'bucket',
    unconfiguredH.noneConfigured('NoSuchWebsiteConfiguration'),
  ),
  'bucket DELETE website': r(
    'DeleteBucketWebsite',
    'oss:DeleteBucketWebsite',
    'bucket',
    unconfiguredH.deleteNothing,
  ),
  'bucket PUT website': r('PutBucketWebsite', 'oss:PutBucketWebsite', 'bucket', unconfiguredH.notImplemented),
  'bucket GET encryption': r(
    'GetBucketEncryption',
    'oss:GetBucketEncryption',
    'bucket',
    unconfiguredH.noneConfigured('NoSuchServerSideEncryptionRule'),
  ),
  'bucket DELETE encryption': r(
    'DeleteBucketEncryption',
    'oss:DeleteBucketEncryption',
    'bucket',
    unconfiguredH.deleteNothing,
  ),
  'bucket PUT encryption': r(
    'PutBucketEncryption',
    'oss:PutBucketEncryption',
    'bucket',
    unconfiguredH.notImplemented,
  ),
  'bucket GET logging': r(
    'GetBucketLogging',
    'oss:GetBucketLogging',
    'bucket',
    unconfiguredH.getBucketLogging,
  ),
  'bucket DELETE logging': r(
    'DeleteBucketLogging',
    'oss:DeleteBucketLogging',
    'bucket',
    unconfiguredH.deleteNothing,
  ),
  'bucket PUT logging': r('PutBucketLogging', 'oss:PutBucketLogging', 'bucket', unconfiguredH.notImplemented),
  'bucket GET referer': r(
    'GetBucketReferer',
    'oss:GetBucketReferer',
    'bucket',
    unconfiguredH.getBucketReferer,
  ),
  'bucket PUT referer': r('PutBucketReferer', 'oss:PutBucketReferer', 'bucket', unconfiguredH.notImplemented),
  'bucket GET worm': r(
    'GetBucketWorm',
    'oss:GetBucketWorm',
    'bucket',
    unconfiguredH.noneConfigured('NoSuchWORMConfiguration'),
  ),
  'bucket GET replication': r(
    'GetBucketReplication',
    'oss:GetBucketReplication',
    'bucket',
    unconfiguredH.noneConfigured('NoSuchReplicationConfiguration'),
  ),
};
