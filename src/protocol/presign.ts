import { checkNotExpired, headerValue, type RequestHeaders } from './auth-common.js';
import { OssError } from './oss-error.js';
import type { RequestTarget } from './request-target.js';
import {
  UNSIGNED_PAYLOAD,
  V4_ALGORITHM,
  parseAdditionalHeaders,
  parseCredentialV4,
  parseIsoBasic,
} from './signature-v4.js';
import { verifyV1 } from './verify-v1.js';
import { checkScopeV4, verifyV4 } from './verify-v4.js';

/** Documented maximum lifetime of a V4 presigned URL: 7 days (spec §9.7). */
export const MAX_PRESIGN_V4_EXPIRES_S = 604_800;

export type PresignKind = 'v1' | 'v4' | undefined;

/** Which presigned form (if any) the query carries. */
export function presignKind(query: ReadonlyMap<string, string>): PresignKind {
  if (query.has('x-oss-signature-version') || query.has('x-oss-signature') || query.has('x-oss-credential'))
    return 'v4';
  if (query.has('OSSAccessKeyId') || query.has('Signature')) return 'v1';
  return undefined;
}

export interface PresignInput {
  readonly method: string;
  readonly target: RequestTarget;
  readonly headers: RequestHeaders;
}

function required(query: ReadonlyMap<string, string>, name: string): string {
  const v = query.get(name);
  if (v === undefined || v === '') {
    throw new OssError('AccessDenied', `Missing ${name} in the presigned URL.`, {
      details: { Parameter: name },
    });
  }
  return v;
}

/** The access key a V1 presigned URL names (spec §9.5). */
export function presignV1AccessKey(query: ReadonlyMap<string, string>): string {
  return required(query, 'OSSAccessKeyId');
}

/** Verifies a V1 presigned URL: expiry first, then the signature with `Expires` in the Date slot (spec §9.5). */
export function verifyPresignV1(input: PresignInput, secret: string, nowMs: number): void {
  const { query } = input.target;
  const accessKeyId = required(query, 'OSSAccessKeyId');
  const expires = required(query, 'Expires');
  const provided = required(query, 'Signature');
  if (!/^\d+$/.test(expires)) throw new OssError('AccessDenied', 'Invalid Expires in the presigned URL.');
  checkNotExpired(Number(expires), nowMs);
  verifyV1({
    method: input.method,
    target: input.target,
    headers: input.headers,
    accessKeyId,
    secret,
    provided,
    date: expires,
    exclude: ['OSSAccessKeyId', 'Expires', 'Signature'],
  });
}

export interface PresignV4Params {
  readonly credential: ReturnType<typeof parseCredentialV4>;
  readonly isoDateTime: string;
  readonly signedAtMs: number;
  readonly expiresS: number;
  readonly additionalHeaders: readonly string[];
  readonly signature: string;
}

/** Reads and checks the V4 presign query parameters (spec §9.7). */
export function parsePresignV4(query: ReadonlyMap<string, string>): PresignV4Params {
  const version = required(query, 'x-oss-signature-version');
  if (version !== V4_ALGORITHM) {
    throw new OssError('InvalidArgument', `Unsupported x-oss-signature-version "${version}".`, {
      ec: '0002-00000204',
    });
  }
  const credential = parseCredentialV4(required(query, 'x-oss-credential'));
  const isoDateTime = required(query, 'x-oss-date');
  const signedAtMs = parseIsoBasic(isoDateTime);
  if (signedAtMs === undefined)
    throw new OssError('InvalidArgument', 'Invalid x-oss-date in the presigned URL.');
  const expiresRaw = required(query, 'x-oss-expires');
  const expiresS = /^\d+$/.test(expiresRaw) ? Number(expiresRaw) : NaN;
  if (!(expiresS > 0 && expiresS <= MAX_PRESIGN_V4_EXPIRES_S)) {
    throw new OssError(
      'InvalidArgument',
      `x-oss-expires must be between 1 and ${MAX_PRESIGN_V4_EXPIRES_S} seconds.`,
    );
  }
  const extra = query.get('x-oss-additional-headers');
  return {
    credential,
    isoDateTime,
    signedAtMs,
    expiresS,
    additionalHeaders: extra === undefined ? [] : parseAdditionalHeaders(extra),
    signature: required(query, 'x-oss-signature'),
  };
}

/** Verifies a V4 presigned URL: scope, expiry, then the signature over every query param but the signature. */
export function verifyPresignV4(
  input: PresignInput,
  params: PresignV4Params,
  secret: string,
  region: string,
  nowMs: number,
): void {
  checkScopeV4(params.credential, params.isoDateTime, region);
  checkNotExpired(params.signedAtMs / 1000 + params.expiresS, nowMs);
  const payload = headerValue(input.headers, 'x-oss-content-sha256');
  if (payload !== undefined && payload !== UNSIGNED_PAYLOAD) {
    throw new OssError('InvalidArgument', 'x-oss-content-sha256 must be UNSIGNED-PAYLOAD.', {
      ec: '0002-00000214',
    });
  }
  verifyV4({
    method: input.method,
    target: input.target,
    headers: input.headers,
    credential: params.credential,
    additionalHeaders: params.additionalHeaders,
    isoDateTime: params.isoDateTime,
    secret,
    provided: params.signature,
    payloadHash: UNSIGNED_PAYLOAD,
    excludeQuery: ['x-oss-signature'],
  });
}
