import { headerValue, type RequestHeaders } from './auth-common.js';
import { presignKind } from './presign.js';
import { V4_ALGORITHM } from './signature-v4.js';

/** Which signature scheme a request uses (header or presigned URL), judged the way authenticate() picks one. */
export function signatureKind(
  headers: RequestHeaders,
  query: ReadonlyMap<string, string>,
): 'v1' | 'v4' | 'none' {
  const authorization = headerValue(headers, 'authorization')?.trim();
  if (authorization !== undefined && authorization !== '')
    return authorization.startsWith(`${V4_ALGORITHM} `) ? 'v4' : 'v1';
  return presignKind(query) ?? 'none';
}
