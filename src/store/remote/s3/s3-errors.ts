import { isNetworkCode, networkError, type RemoteError } from '../remote-error.js';
import { mapWireFailure } from '../wire-errors.js';

interface SdkError {
  name?: string;
  message?: string;
  code?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number };
}

/** An @aws-sdk/client-s3 failure as a RemoteError (code + the retryable decision). */
export function fromS3Error(call: string, e: unknown): RemoteError {
  const err = (e ?? {}) as SdkError;
  const status = err.$metadata?.httpStatusCode ?? err.$response?.statusCode;
  if (status === undefined) {
    if (isNetworkCode(err.code) || err.name === 'TimeoutError' || err.name === 'RequestTimeout') {
      return networkError('s3', `${err.code ?? err.name ?? 'error'} during ${call}`);
    }
    return networkError('s3', `${err.name ?? 'error'}: ${err.message ?? String(e)} during ${call}`);
  }
  const code = err.Code ?? err.name ?? '';
  // A HEAD 404 has no body: the SDK names it NotFound.
  const mapped = code === 'NotFound' || code === 'UnknownError' ? (status === 404 ? 'NoSuchKey' : '') : code;
  return mapWireFailure('s3', call, { status, code: mapped, message: err.message ?? '' });
}
