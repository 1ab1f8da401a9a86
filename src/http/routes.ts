import { OssError } from '../protocol/oss-error.js';
import type { RequestTarget } from '../protocol/request-target.js';
import type { OpContext } from './context.js';
import type { OssResponse } from './response.js';
import { COPY_OBJECT, DESCRIBE_JOB, GET_INVENTORY, LIST_V2, TABLE, UPLOAD_PART_COPY } from './route-table.js';

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
