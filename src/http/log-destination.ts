import pino from 'pino';

/**
 * Bytes of log lines held in memory while stdout does not take them (a stalled log reader); beyond this,
 * lines are dropped rather than memory growing without bound. 16 MiB is ~120,000 request lines (~140 bytes).
 */
export const MAX_BUFFERED_LOG_BYTES = 16 * 1024 * 1024;

/**
 * The server's log destination: stdout, written asynchronously. pino's default destination writes every
 * line with a synchronous write(2), and when stdout is a pipe or socket the reader has not drained (a log
 * shipper, journald, `docker logs` falling behind) that write fails with EAGAIN and sonic-boom retries
 * after a *synchronous* 100 ms sleep: the whole event loop stops, every request in flight waits, and with
 * nobody reading the server never answers again. Asynchronous writes keep the loop running; lines written
 * while one write is in flight are sent together by the next (one syscall per batch under load instead of
 * one per request). Buffered lines are flushed on exit (pino registers the final flush); a kill -9 loses
 * what was not yet written — log lines only, never data, which is committed before any reply.
 */
export function stdoutLogDestination(): pino.DestinationStream {
  return pino.destination({ dest: 1, sync: false, maxLength: MAX_BUFFERED_LOG_BYTES });
}
