import { OssError, type OssErrorCode } from '../../protocol/oss-error.js';
import { toXml } from '../../protocol/xml.js';
import type { OpContext } from '../context.js';
import type { Handler } from '../routes.js';
import { emptyResponse, xmlResponse, type OssResponse } from '../response.js';

/**
 * Bucket configurations this server does not keep (lifecycle, website, encryption, WORM, replication,
 * logging, referer, request payment, transfer acceleration) answer
 * reads exactly as OSS answers for a bucket that has none configured, and deletes as OSS answers a delete of
 * nothing (204), so SDK cleanup loops and "is X configured?" probes work (issue 9, wire fix 7). Setting one
 * is refused with 501 NotImplemented: accepting a rule we would not enforce would be a lie.
 */
export const noneConfigured =
  (code: OssErrorCode): Handler =>
  (ctx: OpContext) =>
    Promise.reject(new OssError(code, undefined, { details: { BucketName: ctx.target.bucket ?? '' } }));

export const deleteNothing: Handler = () => Promise.resolve(emptyResponse(204));

export const notImplemented: Handler = (ctx: OpContext) =>
  Promise.reject(
    new OssError('NotImplemented', `Setting this bucket configuration is not supported by this server.`, {
      details: { BucketName: ctx.target.bucket ?? '' },
    }),
  );

/** GetBucketLogging with logging off: an empty `<BucketLoggingStatus/>`. */
export function getBucketLogging(): Promise<OssResponse> {
  return Promise.resolve(xmlResponse(toXml('BucketLoggingStatus', {})));
}

/** GetBucketReferer for a bucket without a referer whitelist: empty referers allowed, empty list. */
export function getBucketReferer(): Promise<OssResponse> {
  return Promise.resolve(
    xmlResponse(toXml('RefererConfiguration', { AllowEmptyReferer: true, RefererList: {} })),
  );
}

/** GetBucketRequestPayment: the owner pays (pay-by-requester is not offered). */
export function getBucketRequestPayment(): Promise<OssResponse> {
  return Promise.resolve(xmlResponse(toXml('RequestPaymentConfiguration', { Payer: 'BucketOwner' })));
}

/** GetBucketTransferAcceleration: off (there is no acceleration endpoint). */
export function getBucketTransferAcceleration(): Promise<OssResponse> {
  return Promise.resolve(xmlResponse(toXml('TransferAccelerationConfiguration', { Enabled: false })));
}
