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
  /** The IAM service's key lookup (async: the key may have to be read from the database). */
  readonly lookupKey: (akId: string) => Promise<AccessKeyRecord | undefined>;
  readonly clock: Clock;
  /** The server's region id, e.g. `cn-hangzhou` (V4 scope must name it). */
  readonly region: string;
}

/** The same dependencies with a synchronous key source (tests and tools that hold the keys in memory). */
export interface SyncAuthDeps extends Omit<AuthDeps, 'lookupKey'> {
  readonly lookupKey: (akId: string) => AccessKeyRecord | undefined;
}

/**
 * A request that names an access key, checked up to the key lookup: `finish` runs every check that
 * needs the key (skew, signature) and returns the principal. Splitting here keeps the error order of
 * each scheme exactly as before (e.g. V4's scope errors come before InvalidAccessKeyId) while the
 * lookup itself is asynchronous.
 */
interface PendingAuth {
  readonly accessKeyId: string;
  finish(record: AccessKeyRecord): Principal;
}

type Started = { readonly anonymous: true } | PendingAuth;

function checkKey(record: AccessKeyRecord | undefined, accessKeyId: string): AccessKeyRecord {
  if (!record)
    throw new OssError('InvalidAccessKeyId', undefined, { details: { OSSAccessKeyId: accessKeyId } });
  if (!record.active) {
    throw new OssError('InvalidAccessKeyId', 'The OSS Access Key Id you provided is disabled.', {
      details: { OSSAccessKeyId: accessKeyId },
    });
  }
  return record;
}

type TimeDeps = Pick<AuthDeps, 'clock' | 'region'>;

function startV1Header(input: AuthInput, deps: TimeDeps, authorization: string): PendingAuth {
  const parsed = parseV1Authorization(authorization);
  if (!parsed)
    throw new OssError('InvalidArgument', 'Authorization header is invalid.', { ec: '0002-00000001' });
  return {
    accessKeyId: parsed.accessKeyId,
    finish(record) {
      // V1: x-oss-date overrides Date as the signing date (spec §9.2); ali-oss sends only x-oss-date, Go only Date.
      const date = headerValue(input.headers, 'x-oss-date') ?? headerValue(input.headers, 'date');
      if (date === undefined || date === '')
        throw new OssError('AccessDenied', 'Missing Date or x-oss-date header.');
      const when = Date.parse(date);
      if (Number.isNaN(when)) throw new OssError('AccessDenied', `Invalid date "${date}".`);
      checkSkew(when, deps.clock.now(), date);
      verifyV1({
        method: input.method,
        target: input.target,
        headers: input.headers,
        accessKeyId: parsed.accessKeyId,
        secret: record.secret,
        provided: parsed.signature,
        date,
      });
      return record.principal;
    },
  };
}

function checkPayloadHash(headers: RequestHeaders): void {
  const payload = headerValue(headers, 'x-oss-content-sha256');
  if (payload !== undefined && payload !== UNSIGNED_PAYLOAD) {
    throw new OssError('InvalidArgument', 'x-oss-content-sha256 must be UNSIGNED-PAYLOAD.', {
      ec: '0002-00000214',
    });
  }
}

function startV4Header(input: AuthInput, deps: TimeDeps, authorization: string): PendingAuth {
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
  return {
    accessKeyId: auth.credential.accessKeyId,
    finish(record) {
      checkSkew(when, deps.clock.now(), isoDateTime);
      // Every field named, never `{ ...input, … }`: V8 (Node 20) builds a spread followed by more properties
      // through a slow runtime path, ~1 µs per added property (12.8 µs here; docs/performance.md, issue 10).
      verifyV4({
        method: input.method,
        target: input.target,
        headers: input.headers,
        credential: auth.credential,
        additionalHeaders: auth.additionalHeaders,
        isoDateTime,
        secret: record.secret,
        provided: auth.signature,
        payloadHash: UNSIGNED_PAYLOAD,
      });
      return record.principal;
    },
  };
}

/** Everything before the key lookup: which scheme, which key, and the checks that need no key. */
function start(input: AuthInput, deps: TimeDeps): Started {
  const authorization = headerValue(input.headers, 'authorization');
  if (authorization !== undefined && authorization.trim() !== '') {
    const a = authorization.trim();
    if (a.startsWith(`${V4_ALGORITHM} `)) return startV4Header(input, deps, a);
    if (a.startsWith('OSS ')) return startV1Header(input, deps, a);
    throw new OssError('InvalidArgument', 'Authorization header is invalid.', { ec: '0002-00000001' });
  }
  const kind = presignKind(input.target.query);
  if (kind === 'v1') {
    return {
      accessKeyId: presignV1AccessKey(input.target.query),
      finish(record) {
        verifyPresignV1(input, record.secret, deps.clock.now());
        return record.principal;
      },
    };
  }
  if (kind === 'v4') {
    const params = parsePresignV4(input.target.query);
    return {
      accessKeyId: params.credential.accessKeyId,
      finish(record) {
        verifyPresignV4(input, params, record.secret, deps.region, deps.clock.now());
        return record.principal;
      },
    };
  }
  return { anonymous: true };
}

/**
 * Header values are verified as the bytes sent first (UTF-8 bytes of 阿达 from ali-oss in `headerEncoding:
 * 'latin1'` mode, Go, Java); when that signature does not match, Node's latin1 reading re-encoded as UTF-8
 * is tried, which is what ali-oss signs in its default mode (it sends `é` as e9, signs c3 a9) and what this
 * server accepted before (issue 9, wire fix 2). Only requests with non-ASCII header bytes pay for this.
 */
function startAsSigned(input: AuthInput, deps: TimeDeps): Started {
  const asSigned = headersAsSigned(input.headers);
  if (asSigned === input.headers) return start(input, deps);
  const first = start({ method: input.method, target: input.target, headers: asSigned }, deps);
  if ('anonymous' in first) return first;
  return {
    accessKeyId: first.accessKeyId,
    finish(record) {
      try {
        return first.finish(record);
      } catch (err) {
        if (!(err instanceof OssError) || err.code !== 'SignatureDoesNotMatch') throw err;
        try {
          const legacy = start(input, deps);
          if ('anonymous' in legacy) throw err;
          return legacy.finish(record);
        } catch {
          throw err;
        }
      }
    },
  };
}

/**
 * Who is calling (spec §9.4–9.7): Authorization header (V1 `OSS ak:sig`, V4 `OSS4-HMAC-SHA256 …`), else a
 * presigned query (V1 or V4), else anonymous. Rejects with the OssError OSS would answer.
 */
export async function authenticate(input: AuthInput, deps: AuthDeps): Promise<Principal> {
  const started = startAsSigned(input, deps);
  if ('anonymous' in started) return { kind: 'anonymous' };
  return started.finish(checkKey(await deps.lookupKey(started.accessKeyId), started.accessKeyId));
}

/** authenticate() with a synchronous key source: the same checks in the same order, thrown synchronously. */
export function authenticateSync(input: AuthInput, deps: SyncAuthDeps): Principal {
  const started = startAsSigned(input, deps);
  if ('anonymous' in started) return { kind: 'anonymous' };
  return started.finish(checkKey(deps.lookupKey(started.accessKeyId), started.accessKeyId));
}
