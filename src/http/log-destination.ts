import pino from 'pino';

/**
 * Bytes of log lines held in memory while stdout does not take them (a stalled log reader); beyond this,
 * lines are dropped rather than memory growing without bound. 16 MiB is ~120,000 request lines (~140 bytes).
 */
export const MAX_BUFFERED_LOG_BYTES = 16 * 1024 * 1024;

/** Lines are handed to stdout's writer ~4 KiB (~30 request lines) at a time: one write(2) per batch. */
export const LOG_BATCH_CHARS = 4096;

/** …and at least this often, so a quiet server's lines show promptly. */
export const LOG_FLUSH_INTERVAL_MS = 250;

/** What LogLineBatcher writes to: sonic-boom's surface as pino uses it. */
export interface LogSink {
  write(data: string): boolean;
  flush(cb?: (err?: Error) => void): void;
  flushSync(): void;
}

/**
 * Gathers log lines in an array and hands them to the sink joined, one string per ~4 KiB. sonic-boom
 * appends each line to its pending string (`+=`) and then measures that string's UTF-8 length, which
 * flattens it: every line copied the whole batch gathered so far, ~7 KB of short-lived heap per request line
 * (bench/http-heap.ts, presigned GET: `Buffer.byteLength` 6.9 KB of 41 KB per request), half of a request's
 * allocation besides Node's. Joined once per batch it is one copy of each line.
 */
export class LogLineBatcher {
  private lines: string[] = [];
  private chars = 0;

  constructor(private readonly sink: LogSink) {
    watch(this);
  }

  write(line: string): boolean {
    this.lines.push(line);
    this.chars += line.length;
    if (this.chars >= LOG_BATCH_CHARS) this.forward();
    return true;
  }

  /**
   * pino's `logger.flush(cb)`. The held lines go to the sink; sonic-boom at minLength 0 calls back without
   * waiting for its write to finish (nothing in the server waits on this; exit uses flushSync).
   */
  flush(cb?: (err?: Error) => void): void {
    this.forward();
    this.sink.flush(cb);
  }

  flushSync(): void {
    this.forward();
    this.sink.flushSync();
  }

  /** Hands the held lines to the sink as one string. */
  forward(): void {
    if (this.lines.length === 0) return;
    const batch = this.lines.join('');
    this.lines = [];
    this.chars = 0;
    this.sink.write(batch);
  }
}

/**
 * Every batcher, held weakly (as pino's own exit hook holds its streams: a server stopped in a test leaves
 * no timer or exit listener behind): one timer forwards their lines every LOG_FLUSH_INTERVAL_MS, and at exit
 * their held lines are written synchronously.
 */
const batchers = new Set<WeakRef<LogLineBatcher>>();
let ticking: NodeJS.Timeout | undefined;
function eachBatcher(fn: (b: LogLineBatcher) => void): void {
  for (const ref of batchers) {
    const b = ref.deref();
    if (b === undefined) batchers.delete(ref);
    else fn(b);
  }
}
function watch(batcher: LogLineBatcher): void {
  batchers.add(new WeakRef(batcher));
  if (ticking !== undefined) return;
  ticking = setInterval(() => eachBatcher((b) => b.forward()), LOG_FLUSH_INTERVAL_MS);
  ticking.unref();
  process.once('exit', () =>
    eachBatcher((b) => {
      try {
        b.flushSync();
      } catch {
        // A destroyed or never-opened sink: nothing more can be written at exit.
      }
    }),
  );
}

/**
 * The server's log destination: stdout, written asynchronously. pino's default destination writes every
 * line with a synchronous write(2), and when stdout is a pipe or socket the reader has not drained (a log
 * shipper, journald, `docker logs` falling behind) that write fails with EAGAIN and sonic-boom retries
 * after a *synchronous* 100 ms sleep: the whole event loop stops, every request in flight waits, and with
 * nobody reading the server never answers again. Asynchronous writes keep the loop running. Lines are
 * written ~4 KiB (~30 request lines) at a time (LogLineBatcher), and at least every 250 ms: one write per
 * ~30 requests instead of one per request cut the server's CPU per request by 7–19% in three of four
 * paired `npm run bench:http` runs (HeadObject, GetObjectTagging). Buffered lines are flushed on exit; a
 * kill -9 loses at most the last 250 ms / 4 KiB of log lines — never data, which is committed before any
 * reply.
 */
export function stdoutLogDestination(): pino.DestinationStream {
  // minLength 0: each batch is written as it comes; while a write is in flight sonic-boom gathers the next
  // batches (up to MAX_BUFFERED_LOG_BYTES) and writes them when it returns.
  const sink = pino.destination({ dest: 1, sync: false, minLength: 0, maxLength: MAX_BUFFERED_LOG_BYTES });
  return new LogLineBatcher(sink);
}
