/**
 * Query parameters that V1 signs into the CanonicalizedResource (spec §9.4, real-clients §4.1/§6.2): the union
 * of the Go SDK v1/v2 lists, the Tea gateway list, the batch sub-resources, and any `x-oss-*` key. Everything
 * else (`prefix`, `max-keys`, `batchJobId`, `targetPriority`, …) is not signed.
 */
// prettier-ignore
const SIGNED = new Set<string>([
  'acl', 'uploads', 'location', 'cors', 'logging', 'website', 'referer', 'lifecycle', 'delete', 'append',
  'tagging', 'objectMeta', 'uploadId', 'partNumber', 'security-token', 'position', 'img', 'style', 'styleName',
  'replication', 'replicationProgress', 'replicationLocation', 'cname', 'bucketInfo', 'comp', 'qos', 'live',
  'status', 'vod', 'startTime', 'endTime', 'symlink', 'x-oss-process', 'response-content-type',
  'x-oss-traffic-limit', 'response-content-language', 'response-expires', 'response-cache-control',
  'response-content-disposition', 'response-content-encoding', 'udf', 'udfName', 'udfImage', 'udfId',
  'udfImageDesc', 'udfApplication', 'udfApplicationLog', 'restore', 'callback', 'callback-var', 'qosInfo',
  'policy', 'stat', 'encryption', 'versions', 'versioning', 'versionId', 'requestPayment', 'x-oss-request-payer',
  'sequential', 'inventory', 'inventoryId', 'continuation-token', 'asyncFetch', 'worm', 'wormId', 'wormExtend',
  'withHashContext', 'regionList', 'cloudboxes', 'resourceGroup', 'cleanRestoredObject',
  // Tea gateway additions
  'transferAcceleration', 'metaQuery', 'accessPoint', 'accessPointPolicy', 'httpsConfig', 'publicAccessBlock',
  'policyStatus', 'redundancyTransition', 'dataRedundancyTransition', 'x-oss-redundancy-transition-taskid',
  'bucketArchiveDirectRead', 'responseHeader', 'userDefinedLogFieldsConfig', 'reservedcapacity',
  'processConfiguration', 'objectworm', 'overwriteConfig', 'tagging-policy', 'rtc', 'mirror',
  // Batch operations (Go SDK v2 signs these as extra sub-resources; spec gap 3)
  'batchJob', 'batchJobPriority', 'batchJobStatus',
  // ossbatch's RetryJob extension (src/extensions/job-retry): signed like the batch sub-resources.
  'batchJobRetry',
]);

/** Batch sub-resources: V1 verification tries the resource with them first, then without (spec gap 3). */
export const BATCH_SUBRESOURCES: ReadonlySet<string> = new Set([
  'batchJob',
  'batchJobPriority',
  'batchJobStatus',
  'batchJobRetry',
]);

export function isSignedSubresource(name: string): boolean {
  return SIGNED.has(name) || name.startsWith('x-oss-') || name.startsWith('response-');
}

/**
 * Buckets to sign a request's resource with: the parsed one, plus none for a batch call that arrived on a
 * bucket host (spec gap 4: batch APIs accept both hosts and ignore the bucket; the client signed `/`).
 */
export function bucketCandidates(
  bucket: string | undefined,
  key: string | undefined,
  query: ReadonlyMap<string, string>,
): (string | undefined)[] {
  if (bucket === undefined || key !== undefined) return [bucket];
  for (const name of BATCH_SUBRESOURCES) if (query.has(name)) return [bucket, undefined];
  return [bucket];
}
