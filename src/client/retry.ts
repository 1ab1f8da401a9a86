/**
 * Retry policy: 429, 5xx and transient socket errors are retried with "full jitter" exponential backoff
 * (delay = random × min(cap, base × 2^attempt)), which spreads a burst of clients instead of having them
 * retry in lock-step. base 100 ms, cap 10 s: three retries wait at most 0.1 + 0.2 + 0.4 s.
 */
export interface RetryPolicy {
  readonly maxRetries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly random: () => number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxRetries: 3,
  baseDelayMs: 100,
  maxDelayMs: 10_000,
  random: Math.random,
};

const RETRYABLE_ERRNOS = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EAI_AGAIN',
  'ECONNABORTED',
]);

/** 429 (throttling) and every 5xx except 501 (NotImplemented never changes on retry). */
export const isRetryableStatus = (status: number): boolean =>
  status === 429 || (status >= 500 && status !== 501);

export function isRetryableError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && RETRYABLE_ERRNOS.has(code)) return true;
  // node:http reports a keep-alive socket closed by the server as "socket hang up" (code ECONNRESET in Node 20).
  return err instanceof Error && err.message === 'socket hang up';
}

export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.floor(policy.random() * ceiling);
}
