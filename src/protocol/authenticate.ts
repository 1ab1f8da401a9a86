import type { AccessKeyRecord, Principal } from '../iam/types.js';
import { checkSkew, headerValue, headersAsSigned, type RequestHeaders } from './auth-common.js';
import type { Clock } from './clock.js';
import { OssError } from './oss-error.js';
import {
  parsePresignV4,
  presignKind,
  presignV1AccessKey,
  verifyPresignV1,
  verifyPresignV4,
} from './presign.js';
import type { RequestTarget } from './request-target.js';
import { parseV1Authorization } from './signature-v1.js';
import { UNSIGNED_PAYLOAD, V4_ALGORITHM, parseIsoBasic, parseV4Authorization } from './signature-v4.js';
import { verifyV1 } from './verify-v1.js';
import { checkScopeV4, verifyV4 } from './verify-v4.js';

export interface AuthInput {
  readonly method: string;
  readonly target: RequestTarget;
  /** Node's lower-cased incoming headers. */
  readonly headers: RequestHeaders;
}

export interface AuthDeps {
  readonly lookupKey: (akId: string) => AccessKeyRecord | undefined;
  readonly clock: Clock;
  /** The server's region id, e.g. `cn-hangzhou` (V4 scope must name it). */
  readonly region: string;
}

function resolveKey(deps: AuthDeps, accessKeyId: string): AccessKeyRecord {
  const record = deps.lookupKey(accessKeyId);
  if (!record)
    throw new OssError('InvalidAccessKeyId', undefined, { details: { OSSAccessKeyId: accessKeyId } });
  if (!record.active) {
    throw new OssError('InvalidAccessKeyId', 'The OSS Access Key Id you provided is disabled.', {
      details: { OSSAccessKeyId: accessKeyId },
    });
  }
  return record;
}

function authenticateV1Header(input: AuthInput, deps: AuthDeps, authorization: string): Principal {
  const parsed = parseV1Authorization(authorization);
  if (!parsed)
    throw new OssError('InvalidArgument', 'Authorization header is invalid.', { ec: '0002-00000001' });
  const record = resolveKey(deps, parsed.accessKeyId);
  // V1: x-oss-date overrides Date as the signing date (spec §9.2); ali-oss sends only x-oss-date, Go only Date.
  const date = headerValue(input.headers, 'x-oss-date') ?? headerValue(input.headers, 'date');
  if (date === undefined || date === '')
    throw new OssError('AccessDenied', 'Missing Date or x-oss-date header.');
  const when = Date.parse(date);
  if (Number.isNaN(when)) throw new OssError('AccessDenied', `Invalid date "${date}".`);
  checkSkew(when, deps.clock.now(), date);
  verifyV1({
    ...input,
    accessKeyId: parsed.accessKeyId,
    secret: record.secret,
    provided: parsed.signature,
    date,
  });
  return record.principal;
}

function checkPayloadHash(headers: RequestHeaders): void {
  const payload = headerValue(headers, 'x-oss-content-sha256');
  if (payload !== undefined && payload !== UNSIGNED_PAYLOAD) {
    throw new OssError('InvalidArgument', 'x-oss-content-sha256 must be UNSIGNED-PAYLOAD.', {
      ec: '0002-00000214',
    });
  }
}

function authenticateV4Header(input: AuthInput, deps: AuthDeps, authorization: string): Principal {
  const auth = parseV4Authorization(authorization);
  checkPayloadHash(input.headers);
  const isoDateTime = headerValue(input.headers, 'x-oss-date');
  const when = isoDateTime === undefined ? undefined : parseIsoBasic(isoDateTime);
  if (isoDateTime === undefined || when === undefined) {
    throw new OssError(
      'AccessDenied',
      'V4 requests need an x-oss-date header in ISO 8601 basic form (yyyymmddTHHMMSSZ).',
    );
  }
  checkScopeV4(auth.credential, isoDateTime, deps.region);
  const record = resolveKey(deps, auth.credential.accessKeyId);
  checkSkew(when, deps.clock.now(), isoDateTime);
  verifyV4({
    ...input,
    credential: auth.credential,
    additionalHeaders: auth.additionalHeaders,
    isoDateTime,
    secret: record.secret,
    provided: auth.signature,
    payloadHash: UNSIGNED_PAYLOAD,
  });
  return record.principal;
}

/**
 * Who is calling (spec §9.4–9.7): Authorization header (V1 `OSS ak:sig`, V4 `OSS4-HMAC-SHA256 …`), else a
 * presigned query (V1 or V4), else anonymous. Throws the OssError OSS would answer.
 */
export function authenticate(input: AuthInput, deps: AuthDeps): Principal {
  const asSigned = headersAsSigned(input.headers);
  if (asSigned === input.headers) return authenticateOnce(input, deps);
  try {
    return authenticateOnce({ ...input, headers: asSigned }, deps);
  } catch (first) {
    // Non-ASCII header bytes: the bytes as sent first, then Node's latin1 reading re-encoded as UTF-8, which
    // is what ali-oss in its default mode signs (and what this server accepted before; wire fix 2).
    if (!(first instanceof OssError) || first.code !== 'SignatureDoesNotMatch') throw first;
    try {
      return authenticateOnce(input, deps);
    } catch {
      throw first;
    }
  }
}

function authenticateOnce(input: AuthInput, deps: AuthDeps): Principal {
  const authorization = headerValue(input.headers, 'authorization');
  if (authorization !== undefined && authorization.trim() !== '') {
    const a = authorization.trim();
    if (a.startsWith(`${V4_ALGORITHM} `)) return authenticateV4Header(input, deps, a);
    if (a.startsWith('OSS ')) return authenticateV1Header(input, deps, a);
    throw new OssError('InvalidArgument', 'Authorization header is invalid.', { ec: '0002-00000001' });
  }
  const kind = presignKind(input.target.query);
  if (kind === 'v1') {
    const record = resolveKey(deps, presignV1AccessKey(input.target.query));
    verifyPresignV1(input, record.secret, deps.clock.now());
    return record.principal;
  }
  if (kind === 'v4') {
    const params = parsePresignV4(input.target.query);
    const record = resolveKey(deps, params.credential.accessKeyId);
    verifyPresignV4(input, params, record.secret, deps.region, deps.clock.now());
    return record.principal;
  }
  return { kind: 'anonymous' };
}
