import { setTimeout as delay } from 'node:timers/promises';
import { isRetryable } from './remote-error.js';

export interface RetryPolicy {
  /** Tries in all, the first included. */
  readonly attempts: number;
  /** First backoff ceiling; doubles per retry up to `capMs`. */
  readonly baseMs: number;
  readonly capMs: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called before each pause (metrics, logs). */
  readonly onRetry?: (err: unknown, attempt: number, pauseMs: number) => void;
}

/**
 * 8 tries, 50 ms doubling to a 3.2 s ceiling: a store that throttles keeps a call pending for up to ~6 s
 * before the failure (still `retryable`) reaches the engine, whose own retries (engine/task-executor.ts)
 * come on top. Full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter": a uniform pause in
 * [0, ceiling]) spreads 64 throttled callers so they do not return in lock-step.
 */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 8, baseMs: 50, capMs: 3200 };

/** Runs `fn` until it succeeds, fails permanently, or the tries run out (then the last error is thrown). */
export async function withRetry<T>(fn: () => Promise<T>, policy: RetryPolicy = DEFAULT_RETRY): Promise<T> {
  const sleep = policy.sleep ?? ((ms: number) => delay(ms));
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isRetryable(err) || attempt >= policy.attempts) throw err;
      const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1));
      const pause = Math.random() * ceiling;
      policy.onRetry?.(err, attempt, pause);
      await sleep(pause);
    }
  }
}
