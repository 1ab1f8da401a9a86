/**
 * A busy turn's requests handled together in the event loop's check phase, then their responses written
 * together, then the engine's batch (if one waits for its turn).
 *
 * Why: while the server is busy, one turn of the event loop reads a request from every ready connection.
 * Handled as each was parsed and written as each finished, every request's ~100 µs of work (V4, SQLite,
 * dispatch) ran between Node's parse of one request and the next, and every response was a socket write
 * between two requests' work: it woke a client that had gone back to sleep since the previous write (on
 * loopback the receiving side's TCP work runs inside the sender's write), and Node's HTTP code ran cold each
 * time (~37 µs of Node HTTP per request against ~10 for the bare Node server). Grouped (every parse in the
 * poll phase, every handler, then every write), each part runs hot: docs/performance.md, issue 10 third and
 * fourth passes (`bench/http-syscalls.ts`).
 *
 * Order, by what waits on what:
 * - A handler waits only for its request's parse. Each runs in its own check-phase callback, so its awaits
 *   that resolve within the turn (the built-in store's SQLite is synchronous under its Promise) settle, with
 *   the microtasks and nextTicks between callbacks, before the next handler starts: a request read earlier
 *   in the turn takes effect first, as when each ran at its parse (a PUT ?tagging before a later GET).
 * - The turn's writes wait for all of its handlers: the write callback is always queued behind the turn's
 *   last handler. A handler whose awaits leave the turn (a body still arriving, a remote store) writes at
 *   the end of the turn its await resolves in.
 * - The engine's batch (BatchGate, ~2–7 ms for 500 tasks) waits for the requests already read and their
 *   writes: `afterTurnRequests` runs the gate's grant after that write callback. A response never waits
 *   behind a batch, and the batch waits at most for the requests read before its turn.
 * - A handler that sent a query and awaits its reply (PostgreSQL; a PUT's fsync) cannot answer in its
 *   turn: the reply is read in the next poll phase, after the batch. The grant then asks for a short batch
 *   (`hurry`), so the reply waits for ~100 tasks instead of 500. Requests not passed through here (the
 *   console's, fastify's framework errors) are not tracked; a body over Node's 16 KiB read buffer that the
 *   handler has not read yet is not `complete`, so a handler querying before reading it is not either.
 *
 * A request waits for nothing more when the server is not saturated (one request per turn). When it is,
 * the connections wait for the server anyway.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The engine's batch gate's grant (BatchGate): `hurry` asks for a short batch, a request awaits a reply. */
type Grant = (hurry: boolean) => void;

interface PendingWrite {
  readonly write: () => void;
  readonly failed: (err: unknown) => void;
  readonly written: () => void;
}

let pending: PendingWrite[] = [];
/** The queued write callback of the turn, kept behind the turn's last handler. */
let writeCallback: NodeJS.Immediate | undefined;
/** Handlers queued in the check phase that have not started yet. */
let handlersWaiting = 0;
/** The batch gate's grants that wait for the turn's handlers and writes. */
let afterWrites: Grant[] = [];

/** A request handleThisTurn tracks until it has queued its response (see `awaiting`). */
export interface TurnRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
}

/**
 * Requests being handled that have not queued their response yet, by response. Those whose body has
 * arrived wait for a reply (a database query, a filesystem call): the engine's next batch is kept short for
 * them (`afterTurnRequests`). `completeSince`: when the body was first seen complete.
 */
const awaiting = new Map<ServerResponse, { readonly req: IncomingMessage; completeSince?: number }>();

/**
 * A reply not back this long after the request's body arrived waits for something slower than a batch (a
 * fsync, a hung peer): short batches would then cost the engine without helping the request. A DescribeJob's
 * query takes p99 4.4–6.7 ms during a job (docs/performance.md, twelfth pass).
 */
const HURRY_FOR_AT_MOST_MS = 20;

function runHandler(handle: () => void | Promise<void>, request?: TurnRequest): void {
  handlersWaiting--;
  if (request === undefined) {
    void handle();
    return;
  }
  const { req, res } = request;
  // Tracked before the handler starts, so a writeAtTurnEnd inside it finds its entry to drop.
  awaiting.set(res, { req });
  const forget = (): void => void awaiting.delete(res);
  const done = handle();
  // then(f, f), not finally: a rejection (none is expected) must not come back unhandled from here.
  if (done instanceof Promise) done.then(forget, forget);
  else forget();
}

/**
 * Whether a request read earlier waits for a reply (its body has arrived: it does not wait for its client)
 * and has not waited long. One that has is dropped: it cannot count again.
 */
function requestAwaitsReply(): boolean {
  if (awaiting.size === 0) return false;
  const now = performance.now();
  let waiting = false;
  for (const [res, entry] of awaiting) {
    if (!entry.req.complete) continue;
    entry.completeSince ??= now;
    if (now - entry.completeSince <= HURRY_FOR_AT_MOST_MS) waiting = true;
    else awaiting.delete(res);
  }
  return waiting;
}

/**
 * Runs `handle` in this turn's check phase, after the requests read before it, and before the turn's
 * writes. `handle` must not throw (the server passes an async function that answers its own failures).
 */
export function handleThisTurn(handle: () => void | Promise<void>, request?: TurnRequest): void {
  handlersWaiting++;
  setImmediate(runHandler, handle, request);
  // The turn's writes go out after its last handler: move the write callback behind this one.
  if (writeCallback !== undefined) clearImmediate(writeCallback);
  writeCallback = setImmediate(writeAll);
}

function writeAll(): void {
  writeCallback = undefined;
  writePending();
  // Every handler queued so far has run: each one moved this callback behind itself.
  const grants = afterWrites;
  afterWrites = [];
  if (grants.length === 0) return;
  const hurry = requestAwaitsReply();
  for (const grant of grants) grant(hurry);
}

function writePending(): void {
  if (pending.length === 0) return;
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
 * `res`: the response handleThisTurn was given; its request no longer waits for a reply.
 */
export function writeAtTurnEnd(
  write: () => void,
  failed: (err: unknown) => void,
  res?: ServerResponse,
): Promise<void> {
  if (res !== undefined) awaiting.delete(res);
  return new Promise((written) => {
    writeCallback ??= setImmediate(writeAll);
    pending.push({ write, failed, written });
  });
}

/**
 * The engine's batch gate calls this in the check phase of the turn it grants, with the grant. Handlers
 * still queued in this phase (requests read in the poll phase just before) run first, then the turn's
 * writes, then `grant`. Nothing queued: the waiting writes go out now, then `grant`. `grant(true)` when a
 * handler has sent a query (PostgreSQL, the filesystem) and waits for the reply: the reply comes back
 * while the batch runs and is read only after it, so the batch is kept short (chunk-worker.ts).
 */
export function afterTurnRequests(grant: Grant): void {
  if (handlersWaiting > 0) {
    afterWrites.push(grant);
    return;
  }
  if (writeCallback !== undefined) clearImmediate(writeCallback);
  writeAll();
  grant(requestAwaitsReply());
}
