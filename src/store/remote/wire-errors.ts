import type { OssErrorCode } from '../../protocol/oss-error.js';
import { RemoteError, isTransient } from './remote-error.js';

/** Store error codes that mean the same thing in OSS terms (S3 and OSS share most of them). */
const SAME_MEANING: Record<string, OssErrorCode> = {
  NoSuchBucket: 'NoSuchBucket',
  NoSuchKey: 'NoSuchKey',
  NoSuchVersion: 'NoSuchVersion',
  NoSuchUpload: 'NoSuchUpload',
  InvalidPart: 'InvalidPart',
  InvalidPartOrder: 'InvalidPartOrder',
  EntityTooSmall: 'EntityTooSmall',
  BucketNotEmpty: 'BucketNotEmpty',
  BucketAlreadyExists: 'BucketAlreadyExists',
  BucketAlreadyOwnedByYou: 'BucketAlreadyExists',
  InvalidDigest: 'InvalidDigest',
  BadDigest: 'InvalidDigest',
  EntityTooLarge: 'EntityTooLarge',
  IncompleteBody: 'IncompleteBody',
  InvalidTag: 'InvalidTag',
  InvalidArgument: 'InvalidArgument',
  InvalidObjectName: 'InvalidObjectName',
  InvalidBucketName: 'InvalidBucketName',
  InvalidRange: 'InvalidRange',
  MalformedXML: 'MalformedXML',
  FileAlreadyExists: 'FileAlreadyExists',
  RestoreAlreadyInProgress: 'RestoreAlreadyInProgress',
  InvalidObjectState: 'InvalidObjectState',
  OperationNotSupported: 'OperationNotSupported',
  PreconditionFailed: 'PreconditionFailed',
};

/** The store refused the service's own credentials: a deployment problem, not the caller's key. */
const CREDENTIAL_CODES = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'RequestTimeTooSkewed',
  'Forbidden',
]);

export interface WireFailure {
  /** HTTP status the store answered. */
  readonly status: number;
  /** The store's error code (S3 `Code`, OSS `Code`). */
  readonly code: string;
  readonly message: string;
  readonly ec?: string | undefined;
}

/**
 * Maps a store's HTTP error to an OSS code and decides, once, whether it is worth retrying (house style 6.4):
 * 503, 429, SlowDown, RequestTimeout and other 5xx are transient; NotImplemented (501) is not — the store
 * lacks the call, which becomes OperationNotSupported with a message naming the call.
 */
export function mapWireFailure(store: string, call: string, f: WireFailure): RemoteError {
  const said = `${f.code}: ${f.message}`;
  if (f.code === 'NotImplemented' || f.status === 501 || f.code === 'MethodNotAllowed') {
    return new RemoteError(
      'OperationNotSupported',
      `The ${store} store does not support ${call} (${said}).`,
      {
        retryable: false,
      },
    );
  }
  if (f.code === 'AccessControlListNotSupported') {
    return new RemoteError(
      'OperationNotSupported',
      `The ${store} bucket has ACLs disabled (S3 Object Ownership "bucket owner enforced"), so ${call} cannot be applied (${said}).`,
      { retryable: false },
    );
  }
  if (isTransient(f.status, f.code)) {
    return new RemoteError(
      'ServiceUnavailable',
      `The ${store} store is busy or failing (${f.status} ${said}).`,
      {
        retryable: true,
      },
    );
  }
  if (CREDENTIAL_CODES.has(f.code) || (f.status === 403 && f.code === '')) {
    return new RemoteError(
      'AccessDenied',
      `The ${store} store refused ossbatch's own credentials for ${call} (${said}); check OSSBATCH_STORE_ACCESS_KEY_ID / _SECRET.`,
      { retryable: false },
    );
  }
  const code = SAME_MEANING[f.code];
  if (code !== undefined) {
    return new RemoteError(code, f.message || said, {
      retryable: false,
      status: f.status >= 400 ? f.status : undefined,
      ec: f.ec,
    });
  }
  if (f.status === 404) return new RemoteError('NoSuchKey', f.message || said, { retryable: false });
  return new RemoteError('InvalidRequest', `The ${store} store refused ${call} (${f.status} ${said}).`, {
    retryable: false,
    status: f.status >= 400 && f.status < 500 ? f.status : 400,
  });
}
