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
 *   turn: the reply is read in a later poll phase, after any batch granted meanwhile. With
 *   `afterTurnReplies` (the built-in store's synchronous batches) the grant waits for that reply, within
 *   the bounds of reply-hold.ts, and the batch runs short (`hurry`, ~100 tasks instead of 500) when the
 *   wait gives up; with `afterTurnRequests` (a remote store's batches leave the loop free) it runs at once,
 *   short. Requests not passed through here (the console's, fastify's framework errors) are not tracked; a
 *   body over Node's 16 KiB read buffer that the handler has not read yet is not `complete`, so a handler
 *   querying before reading it is not either.
 *
 * A request waits for nothing more when the server is not saturated (one request per turn). When it is,
 * the connections wait for the server anyway.
 */
import { channel } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HoldBudget } from './reply-hold.js';

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
/** The batch gate's grants that wait for the turn's handlers and writes; `hold`: afterTurnReplies'. */
let afterWrites: { readonly grant: Grant; readonly hold: boolean }[] = [];
/**
 * Grants waiting for a request's reply (afterTurnReplies). `timedOut`: the wait gave up (the turn's write
 * callback releases them, after the responses queued meanwhile); `aged`: a request it waited for stopped
 * counting (HURRY_FOR_AT_MOST_MS), so its reply did not come.
 */
let held:
  | {
      readonly grants: Grant[];
      readonly since: number;
      readonly timer: NodeJS.Timeout;
      timedOut: boolean;
      aged: boolean;
    }
  | undefined;
/**
 * One budget for the process: the module's state (the turn's writes, the requests awaiting replies, the
 * held grants) is shared by every server in it, as its event loop is.
 */
const holdBudget = new HoldBudget();

/**
 * Published when a held grant goes: `ms`, how long it waited; `replied`, true when no request waits any
 * more and the batch runs whole (false: the wait gave up, or a request it gave up on earlier still waits,
 * and the batch runs short). Lets a test through a real server and the bench see the holds; free while
 * nobody subscribes.
 */
export const batchHeld = channel('ossbatch:http:batch-held');

/** A request handleThisTurn tracks until it has queued its response (see `awaiting`). */
export interface TurnRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
}

/**
 * Requests being handled that have not queued their response yet, by response. Those whose body has
 * arrived wait for a reply (a database query, a filesystem call): the engine's next batch waits for it
 * (`afterTurnReplies`) or is kept short (`afterTurnRequests`, or once a wait gave up on it: `heldFor`).
 * `completeSince`: when the body was first seen complete.
 */
const awaiting = new Map<
  ServerResponse,
  { readonly req: IncomingMessage; completeSince?: number; heldFor?: boolean }
>();

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
  const forget = (): void => {
    awaiting.delete(res);
    // Settled without a response of its own (a failure answered elsewhere): a held batch may go. Through
    // the turn's write callback, so a response queued meanwhile still goes out before the batch.
    if (held !== undefined) writeCallback ??= setImmediate(writeAll);
  };
  const done = handle();
  // then(f, f), not finally: a rejection (none is expected) must not come back unhandled from here.
  if (done instanceof Promise) done.then(forget, forget);
  else forget();
}

/**
 * Whether a request read earlier waits for a reply (its body has arrived: it does not wait for its client)
 * and has not waited long: 'hold' when one has not been held for yet, 'hurry' when a wait already gave up on
 * each, 'none'. One that has waited long is dropped: it cannot count again.
 */
function awaitedReplies(): 'none' | 'hurry' | 'hold' {
  if (awaiting.size === 0) return 'none';
  const now = performance.now();
  let waiting: 'none' | 'hurry' | 'hold' = 'none';
  for (const [res, entry] of awaiting) {
    if (!entry.req.complete) continue;
    entry.completeSince ??= now;
    if (now - entry.completeSince > HURRY_FOR_AT_MOST_MS) {
      awaiting.delete(res);
      if (held !== undefined) held.aged = true;
    } else if (entry.heldFor !== true) waiting = 'hold';
    else if (waiting === 'none') waiting = 'hurry';
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
  // After the writes: a held batch never runs before a response queued while it waited.
  if (held !== undefined && (held.timedOut || awaitedReplies() !== 'hold')) releaseHeld();
  const grants = afterWrites;
  afterWrites = [];
  for (const { grant, hold } of grants) grantOrHold(grant, hold);
}

/**
 * Grants now, unless a request waits for its reply: then, with `hold`, the grant waits for it (at most
 * what the budget allows, reply-hold.ts); without, when a wait already gave up on that request, or when the
 * budget is spent, it is granted short.
 */
function grantOrHold(grant: Grant, hold: boolean): void {
  const waiting = awaitedReplies();
  if (waiting === 'none') return grant(false);
  if (!hold) return grant(true);
  if (held !== undefined) {
    held.grants.push(grant);
    return;
  }
  const ms = waiting === 'hold' ? holdBudget.allowance() : 0;
  // Node's timers fire 1 ms late at the earliest: a shorter hold would overrun its allowance.
  if (ms < 1) return grant(true);
  const timer = setTimeout(() => {
    if (held === undefined) return;
    held.timedOut = true;
    writeCallback ??= setImmediate(writeAll);
  }, ms);
  held = { grants: [grant], since: performance.now(), timer, timedOut: false, aged: false };
}

/**
 * The held grants go: whole when the reply came, short when the wait gave up and the request still waits
 * (it is not held for again: `heldFor`).
 */
function releaseHeld(): void {
  if (held === undefined) return;
  // First, while `held` is set: a request that waited too long is dropped here, and marks it `aged`.
  const hurry = awaitedReplies() !== 'none';
  const { grants, since, timer, aged } = held;
  held = undefined;
  clearTimeout(timer);
  const ms = performance.now() - since;
  holdBudget.spend(ms);
  if (hurry)
    for (const entry of awaiting.values()) if (entry.completeSince !== undefined) entry.heldFor = true;
  if (batchHeld.hasSubscribers) batchHeld.publish({ ms, replied: !hurry && !aged });
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
 * The engine's batch gate calls this in the check phase of the turn it grants, with the grant, when its
 * batches leave the loop free (a remote store's). Handlers still queued in this phase (requests read in
 * the poll phase just before) run first, then the turn's writes, then `grant`. Nothing queued: the waiting
 * writes go out now, then `grant`. `grant(true)` when a handler has sent a query (PostgreSQL, the
 * filesystem) and waits for the reply: a batch that did block the loop would be kept short for it.
 */
export function afterTurnRequests(grant: Grant): void {
  afterTurn(grant, false);
}

/**
 * As afterTurnRequests, for batches that run synchronously (the built-in store's): while a handler waits
 * for a reply, `grant` waits for it too, so the reply is not read only after a batch. Bounded by
 * reply-hold.ts; when the wait gives up, `grant(true)` (a short batch).
 */
export function afterTurnReplies(grant: Grant): void {
  afterTurn(grant, true);
}

function afterTurn(grant: Grant, hold: boolean): void {
  if (handlersWaiting > 0) {
    afterWrites.push({ grant, hold });
    return;
  }
  if (writeCallback !== undefined) clearImmediate(writeCallback);
  writeAll();
  grantOrHold(grant, hold);
}
