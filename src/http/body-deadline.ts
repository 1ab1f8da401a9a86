import type { IncomingMessage } from 'node:http';

export interface BodyTimeouts {
  /** Longest pause between body bytes while the server is waiting for them. */
  readonly idleMs: number;
  /** Longest time from the request's arrival until its whole body has been received. */
  readonly totalMs: number;
  /**
   * Slowest average body rate (bytes/s, since the request arrived) tolerated once `minRateGraceMs` has
   * passed; 0 or absent disables. Catches a client that trickles a byte every few seconds: never idle for
   * long, yet it would hold the request for the whole `totalMs`.
   */
  readonly minBytesPerSecond?: number;
  readonly minRateGraceMs?: number;
}

export interface BodyDeadline {
  /** True once a timeout fired (the request was answered with RequestTimeout or its socket closed). */
  readonly fired: boolean;
  stop(): void;
}

const NO_DEADLINE: BodyDeadline = { fired: false, stop: () => undefined };

/** True when the request announced a body (Content-Length > 0 or chunked). */
export function hasBody(req: IncomingMessage): boolean {
  const len = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (len !== undefined && len !== '0');
}

/**
 * Watches a request body for the idle and total timeouts, whoever reads it (XML handlers, PutObject
 * streaming into the store, Node discarding an unread body after an early reply), so every route gets them.
 * Progress is the socket's byte count: listening for 'data' would switch the stream into flowing mode under
 * the handler. Time the server itself spends not reading (bytes buffered in the request, unread) is never
 * counted as the client's idleness. When a timeout fires, `onTimeout` answers (or closes) the request.
 */
export function watchBody(req: IncomingMessage, t: BodyTimeouts, onTimeout: () => void): BodyDeadline {
  if (!hasBody(req) || req.complete) return NO_DEADLINE;
  const started = Date.now();
  const firstBytes = req.socket.bytesRead;
  let lastBytes = firstBytes;
  let lastProgress = started;
  // Four checks per idle period keep the overshoot within a quarter of it; never busier than every 25 ms.
  const every = Math.max(25, Math.min(1000, Math.floor(Math.min(t.idleMs, t.totalMs) / 4)));
  const state = { fired: false, stop };
  const timer = setInterval(check, every);
  timer.unref();
  req.once('end', stop).once('close', stop);

  function stop(): void {
    clearInterval(timer);
    req.off('end', stop).off('close', stop);
  }
  /** The average body rate since arrival is below the floor, once past the grace period. */
  function tooSlow(now: number, bytes: number): boolean {
    const floor = t.minBytesPerSecond ?? 0;
    const elapsed = now - started;
    if (floor <= 0 || elapsed < (t.minRateGraceMs ?? 0)) return false;
    return ((bytes - firstBytes) * 1000) / elapsed < floor;
  }
  function check(): void {
    if (req.complete || req.destroyed) return stop();
    const now = Date.now();
    const bytes = req.socket.bytesRead;
    if (bytes !== lastBytes || req.readableLength > 0) {
      lastBytes = bytes;
      lastProgress = now;
    }
    if (now - started < t.totalMs && now - lastProgress < t.idleMs && !tooSlow(now, bytes)) return;
    stop();
    state.fired = true;
    onTimeout();
  }
  return state;
}
