import { OssError, type OssErrorCode } from '../../protocol/oss-error.js';

/**
 * A failure a remote store answered (or a transport failure talking to it), already mapped to an OSS code.
 * `retryable` is decided once, in the adapter that saw the wire error (house style 6.4); everything above
 * reads the flag and never matches strings.
 */
export class RemoteError extends OssError {
  readonly retryable: boolean;

  constructor(
    code: OssErrorCode,
    message: string,
    opts: { retryable: boolean; status?: number; ec?: string; details?: Record<string, string> },
  ) {
    super(code, message, {
      ...(opts.status === undefined ? {} : { status: opts.status }),
      ...(opts.ec === undefined ? {} : { ec: opts.ec }),
      ...(opts.details === undefined ? {} : { details: opts.details }),
    });
    this.retryable = opts.retryable;
  }
}

export const isRetryable = (e: unknown): boolean => e instanceof RemoteError && e.retryable;

/** Node socket errors that mean "the connection broke, the request may not have happened": retry. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export function isNetworkCode(code: unknown): boolean {
  return typeof code === 'string' && NETWORK_CODES.has(code);
}

/** A transport failure (no HTTP answer): transient, surfaced as 503 when retries run out. */
export function networkError(store: string, detail: string): RemoteError {
  return new RemoteError('ServiceUnavailable', `The ${store} store could not be reached: ${detail}`, {
    retryable: true,
  });
}

/**
 * Codes both S3 and OSS use for "slow down / try again" (503, 429, SlowDown, RequestTimeout) and 5xx in
 * general: transient. Everything else a store answers is permanent for this request.
 */
export function isTransient(status: number, code: string): boolean {
  return (
    status === 503 ||
    status === 429 ||
    status >= 500 ||
    code === 'SlowDown' ||
    code === 'RequestTimeout' ||
    code === 'Throttling' ||
    code === 'ThrottlingException' ||
    code === 'TooManyRequests' ||
    code === 'InternalError' ||
    code === 'ServiceUnavailable'
  );
}
