import { setTimeout as delay } from 'node:timers/promises';

/** A running timer; cancel() is idempotent. Timers never keep the process alive (they are unref'd). */
export interface TimerHandle {
  cancel(): void;
}

/**
 * Time is injected everywhere so tests can cross a 14-day timeout in milliseconds. The clock also owns
 * the timers the engine runs on (tick, heartbeats, retry backoff), so a test clock controls both.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Resolves after `ms` of this clock's time. */
  sleep(ms: number): Promise<void>;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  setInterval(fn: () => void, ms: number): TimerHandle;
}

/** Real timers (unref'd): what every clock below uses to schedule. */
export const realTimers: Pick<Clock, 'sleep' | 'setTimeout' | 'setInterval'> = {
  sleep: (ms) => delay(ms, undefined, { ref: false }),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
  setInterval(fn, ms) {
    const t = setInterval(fn, ms);
    t.unref();
    return { cancel: () => clearInterval(t) };
  },
};

export const systemClock: Clock = { now: () => Date.now(), ...realTimers };

/**
 * A clock tests move by hand. `now()` only moves on advance()/set(); timers run on real time (an engine
 * on a ManualClock keeps ticking while the test jumps `now()` across a 14-day timeout).
 */
export class ManualClock implements Clock {
  constructor(private current: number = Date.now()) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
  set(ms: number): void {
    this.current = ms;
  }
  sleep(ms: number): Promise<void> {
    return realTimers.sleep(ms);
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    return realTimers.setTimeout(fn, ms);
  }
  setInterval(fn: () => void, ms: number): TimerHandle {
    return realTimers.setInterval(fn, ms);
  }
}

/** A clock that follows real time plus an offset tests can push forward (for a running server). */
export class OffsetClock implements Clock {
  private offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  advance(ms: number): void {
    this.offset += ms;
  }
  sleep(ms: number): Promise<void> {
    return realTimers.sleep(ms);
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    return realTimers.setTimeout(fn, ms);
  }
  setInterval(fn: () => void, ms: number): TimerHandle {
    return realTimers.setInterval(fn, ms);
  }
}
