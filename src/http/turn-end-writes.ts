/**
 * Responses written together at the end of the event loop's turn (its check phase) instead of one by one
 * as each request finishes.
 *
 * Why: while the server is busy, one turn reads many requests (one per ready connection) and finishes each
 * before reading the next. Written as each finished, every response was a socket write between two
 * requests' work: it woke a client that had gone back to sleep since the previous write (on loopback the
 * receiving side's TCP work runs inside the sender's write), and the request work in between evicted
 * Node's HTTP and TCP code from the caches, so Node's own HTTP machinery cost ossbatch ~37 µs per request
 * where it costs the bare Node server ~10. Written back to back at the end of the turn, the first write
 * wakes the client and the rest find it awake: server CPU per request 83–106 µs against 127–217 before
 * (`bench/http-syscalls.ts`, 64 connections; docs/performance.md, issue 10 third pass). A response waits at
 * most for the other requests read in the same turn: none when the server is not saturated (one request
 * per turn); when it is, the connections wait for the server anyway.
 */
interface Pending {
  readonly write: () => void;
  readonly failed: (err: unknown) => void;
  readonly written: () => void;
}

let pending: Pending[] = [];

/**
 * Writes the responses waiting for the end of the turn now (none waiting: nothing). The engine's batch gate
 * calls it before a batch that runs in the same check phase, so a response never waits behind a batch.
 */
export function writeTurnEndNow(): void {
  if (pending.length > 0) writeAll();
}

function writeAll(): void {
  const turn = pending;
  pending = [];
  for (const p of turn) {
    try {
      p.write();
    } catch (err) {
      // One failed write must not cost the other responses of the turn, nor escape into the event loop.
      p.failed(err);
    }
    p.written();
  }
}

/**
 * Runs `write` at the end of this event-loop turn, after every request read in the turn has been handled;
 * if it throws, `failed` gets the error (it must not throw). Resolves once `write` (or `failed`) has run, so
 * the request log and the latency histogram still count the time until the response was handed to Node.
 */
export function writeAtTurnEnd(write: () => void, failed: (err: unknown) => void): Promise<void> {
  return new Promise((written) => {
    if (pending.length === 0) setImmediate(writeAll);
    pending.push({ write, failed, written });
  });
}
