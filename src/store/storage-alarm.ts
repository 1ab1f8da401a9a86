import type pino from 'pino';

/** One warning per this interval while storage stays exhausted (issue 12: 841 error lines a second). */
export const ALARM_INTERVAL_MS = 60_000;

/**
 * Logs storage exhaustion at most once per interval: the first occurrence at once, then one line per
 * interval with how many more occurred meanwhile. A full disk must not be filled further by its own logs.
 */
export class StorageAlarm {
  private lastLogged = Number.NEGATIVE_INFINITY;
  private suppressed = 0;

  constructor(
    private readonly logger: pino.Logger,
    private readonly intervalMs = ALARM_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  raise(err: unknown, context: Record<string, unknown> = {}): void {
    const t = this.now();
    if (t - this.lastLogged < this.intervalMs && t >= this.lastLogged) {
      this.suppressed += 1;
      return;
    }
    const cause = (err as { code?: unknown; message?: unknown } | null) ?? {};
    this.logger.warn(
      { ...context, code: cause.code, cause: cause.message, suppressed: this.suppressed },
      'storage exhausted: new writes are refused until space is freed',
    );
    this.lastLogged = t;
    this.suppressed = 0;
  }
}
