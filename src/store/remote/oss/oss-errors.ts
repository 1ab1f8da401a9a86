import { isNetworkCode, networkError, RemoteError } from '../remote-error.js';
import { mapWireFailure } from '../wire-errors.js';

interface AliOssError {
  name?: string;
  message?: string;
  code?: string;
  status?: number;
  ecCode?: string;
}

/**
 * An ali-oss failure as a RemoteError. ali-oss reports transport failures as status -1 (network) or -2
 * (timeout), or as a plain socket error code; those are transient.
 */
export function fromOssError(call: string, e: unknown): RemoteError {
  const err = (e ?? {}) as AliOssError;
  const status = err.status;
  if (status === undefined || status < 0 || isNetworkCode(err.code)) {
    return networkError(
      'oss',
      `${err.code ?? err.name ?? 'error'}: ${err.message ?? String(e)} during ${call}`,
    );
  }
  if (err.name === 'ResponseTimeoutError' || err.name === 'ConnectionTimeoutError') {
    return networkError('oss', `${err.name} during ${call}`);
  }
  return mapWireFailure('oss', call, {
    status,
    code: err.code ?? '',
    message: err.message ?? '',
    ec: err.ecCode,
  });
}
