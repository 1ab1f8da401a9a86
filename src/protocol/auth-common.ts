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

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Header values as the client signed them. Node hands header bytes over as latin1 strings (one char per
 * byte) and signatures are computed over UTF-8, so a value sent as the UTF-8 bytes of 阿达 (ali-oss with
 * `headerEncoding: 'latin1'`, Go, Java) must be decoded back to 阿达 before signing: that makes the string
 * to sign the bytes as sent (issue 9, wire fix 2). A value whose bytes are not UTF-8 is left alone: ali-oss
 * in its default mode sends `é` as the byte e9 but signs c3 a9, which the latin1 string re-encodes to.
 */
export function headersAsSigned(headers: RequestHeaders): RequestHeaders {
  let out: Record<string, string | string[] | undefined> | undefined;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || !hasNonAscii(value)) continue;
    out ??= { ...headers };
    out[name] = Array.isArray(value) ? value.map(asSigned) : asSigned(value);
  }
  return out ?? headers;
}

// Pure ASCII (nearly every header) reads the same either way: the fast path copies nothing.
const hasNonAscii = (value: string | string[]): boolean =>
  Array.isArray(value) ? value.some((v) => /[\u0080-\uffff]/.test(v)) : /[\u0080-\uffff]/.test(value);

function asSigned(value: string): string {
  try {
    return strictUtf8.decode(Buffer.from(value, 'latin1'));
  } catch {
    return value;
  }
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
