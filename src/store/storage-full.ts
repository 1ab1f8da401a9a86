import { isOssError, OssError } from '../protocol/oss-error.js';

/**
 * Storage exhaustion, decided once here (house style 6.4): a full disk or quota (ENOSPC, EDQUOT), SQLite
 * unable to grow its files (SQLITE_FULL), PostgreSQL's disk_full (53100), or the built-in store's own
 * refusal below the free-space floor (507 InsufficientStorage). These are transient: they clear when space returns, so the engine waits and
 * retries instead of failing jobs, and clients get a distinct, retryable error instead of InternalError.
 */
const ERRNO_CODES = new Set(['ENOSPC', 'EDQUOT']);
/** PostgreSQL's SQLSTATE for "could not extend file: No space left on device" (class 53, disk_full). */
const PG_DISK_FULL = '53100';

export function isStorageExhausted(e: unknown): boolean {
  if (isOssError(e)) return e.code === 'InsufficientStorage';
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return ERRNO_CODES.has(code) || code === 'SQLITE_FULL' || code === PG_DISK_FULL;
}

/** The client-visible form of a storage-exhaustion error (the cause stays in the log). */
export const insufficientStorage = (message?: string): OssError =>
  new OssError('InsufficientStorage', message);
