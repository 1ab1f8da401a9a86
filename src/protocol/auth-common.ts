import { timingSafeEqual } from 'node:crypto';
import { OssError } from './oss-error.js';

/** Node's lower-cased incoming headers. */
export type RequestHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** A header's value; repeated headers are joined with `,` (spec §9.4). */
export function headerValue(headers: RequestHeaders, name: string): string | undefined {
  const v = headers[name];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(',') : v;
}

/** Constant-time string comparison (lengths may leak, contents do not). */
export function constantTimeEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  if (ba.length !== bb.length) {
    // Still spend a comparison so a wrong length costs about as much as a wrong byte.
    timingSafeEqual(ba, ba);
    return false;
  }
  return timingSafeEqual(ba, bb);
}

/** `StringToSignBytes` as OSS shows it: space-separated lower-case hex bytes. */
export function stringToSignBytes(s: string): string {
  return Array.from(Buffer.from(s, 'utf8'), (b) => b.toString(16).padStart(2, '0')).join(' ');
}

export function signatureDoesNotMatch(accessKeyId: string, provided: string, stringToSign: string): OssError {
  return new OssError('SignatureDoesNotMatch', undefined, {
    details: {
      OSSAccessKeyId: accessKeyId,
      SignatureProvided: provided,
      StringToSign: stringToSign,
      StringToSignBytes: stringToSignBytes(stringToSign),
    },
  });
}

/** Date/x-oss-date must be within 15 minutes of server time (spec §9.2). */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

export function checkSkew(requestTimeMs: number, nowMs: number, rawDate: string): void {
  if (Math.abs(requestTimeMs - nowMs) > MAX_CLOCK_SKEW_MS) {
    throw new OssError('RequestTimeTooSkewed', undefined, {
      details: {
        RequestTime: rawDate,
        ServerTime: new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, '.000Z'),
        MaxAllowedSkewMilliseconds: String(MAX_CLOCK_SKEW_MS),
      },
    });
  }
}

/** Presigned URL lifetime check; OSS answers 403 AccessDenied "Request has expired." (spec §9.5). */
export function checkNotExpired(expiresAtSec: number, nowMs: number): void {
  if (nowMs / 1000 > expiresAtSec) {
    throw new OssError('AccessDenied', 'Request has expired.', {
      details: {
        Expires: new Date(expiresAtSec * 1000).toISOString(),
        ServerTime: new Date(nowMs).toISOString(),
      },
    });
  }
}
