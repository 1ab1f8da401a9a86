import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BatchGate } from '../../src/engine/batch-gate.js';
import { HOLD_AT_MOST_MS, HOLD_BURST_MS } from '../../src/http/reply-hold.js';
import {
  afterTurnReplies,
  afterTurnRequests,
  handleThisTurn,
  writeAtTurnEnd,
} from '../../src/http/request-turn.js';

const nothing = (): void => undefined;
/** Starts from a fresh check phase: an earlier test's callbacks may still be queued in the current one. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const tick = (): Promise<void> => new Promise((resolve) => process.nextTick(resolve));

/** A request as the server handles it: some awaits that resolve within the turn, then its response. */
function request(name: string, order: string[]): Promise<void> {
  return new Promise((done) =>
    handleThisTurn(() => {
      order.push(`${name} handled`);
      void (async () => {
        await Promise.resolve(); // an await over synchronous SQLite
        await tick(); // a stream's nextTick (a small body's 'end')
        order.push(`${name} took effect`);
        await writeAtTurnEnd(() => order.push(`${name} answered`), nothing);
        done();
      })();
    }),
  );
}

/**
 * The engine's batch gate and the HTTP layer both wait for the check phase, and the gate's turn is queued
 * first (a turn earlier, or here simply first). The server wires the gate to run the requests already read
 * and write their responses before the batch: a request read in a turn must not wait for that turn's batch.
 */
describe('batch gate and the turn’s requests', () => {
  it('handles and answers the requests waiting in the turn before the batch it grants', async () => {
    await nextTurn();
    const order: string[] = [];
    const gate = new BatchGate(afterTurnRequests);
    const batch = gate.turn().then(() => order.push('batch'));
    await Promise.all([batch, request('a', order), request('b', order)]);
    expect(order).toEqual([
      'a handled',
      'a took effect',
      'b handled',
      'b took effect',
      'a answered',
      'b answered',
      'batch',
    ]);
  });

  it('without the hook, the batch would run first (what the wiring prevents)', async () => {
    await nextTurn();
    const order: string[] = [];
    const gate = new BatchGate();
    const batch = gate.turn().then(() => order.push('batch'));
    await Promise.all([batch, request('a', order)]);
    expect(order).toEqual(['batch', 'a handled', 'a took effect', 'a answered']);
  });

  it('writes the waiting responses and grants at once when no request waits', async () => {
    await nextTurn();
    const order: string[] = [];
    const gate = new BatchGate(afterTurnRequests);
    const batch = gate.turn().then(() => order.push('batch'));
    const response = writeAtTurnEnd(() => order.push('response'), nothing);
    await Promise.all([batch, response]);
    expect(order).toEqual(['response', 'batch']);
  });

  it('grants one batch per loop turn while requests keep arriving', async () => {
    await nextTurn();
    const order: string[] = [];
    const gate = new BatchGate(afterTurnRequests);
    const batches = [1, 2, 3].map((n) => gate.turn().then(() => order.push(`batch ${n}`)));
    // Requests read in every turn: each turn's are answered before that turn's batch, and no batch is
    // held back by the next turn's requests.
    const requests: Promise<void>[] = [];
    for (const n of [1, 2, 3]) {
      requests.push(request(`r${n}`, order));
      await nextTurn();
    }
    await Promise.all([...batches, ...requests]);
    const answered = (n: number): number => order.indexOf(`r${n} answered`);
    const batch = (n: number): number => order.indexOf(`batch ${n}`);
    expect(answered(1)).toBeLessThan(batch(1));
    expect(batch(1)).toBeLessThan(answered(2));
    expect(answered(2)).toBeLessThan(batch(2));
    expect(batch(2)).toBeLessThan(answered(3));
    expect(answered(3)).toBeLessThan(batch(3));
  });
});

/**
 * A request handled as on SQLite: answered within its turn, its response queued before its handler's own
 * promise settles. `onWrite` runs when the response goes out.
 */
function answeredWithinTurn(onWrite: () => void = nothing): void {
  const res = {} as ServerResponse;
  handleThisTurn(
    async () => {
      await Promise.resolve();
      await writeAtTurnEnd(onWrite, nothing, res);
    },
    { req: { complete: true } as IncomingMessage, res },
  );
}

/**
 * A request handled as on PostgreSQL: its query goes out in its turn and the reply comes back in a later
 * one. `reply()` lets it go on and answer; `settle()` ends it without a response of its own (a failure
 * answered elsewhere). `req.complete`: whether its body has arrived (tests may flip it).
 */
function awaitingRequest(complete = true, onWrite: () => void = nothing) {
  let reply!: () => void;
  let settle!: () => void;
  const replied = new Promise<'reply'>((r) => (reply = () => r('reply')));
  const settled = new Promise<'settle'>((r) => (settle = () => r('settle')));
  const req = { complete };
  const res = {} as ServerResponse;
  let answered!: Promise<void>;
  handleThisTurn(
    () =>
      (answered = (async () => {
        if ((await Promise.race([replied, settled])) === 'reply') await writeAtTurnEnd(onWrite, nothing, res);
      })()),
    { req: req as IncomingMessage, res },
  );
  return { req, reply, settle, answered: async () => answered };
}

describe('a short batch while a request waits for a reply', () => {
  /** performance.now() as request-turn.ts reads it: frozen unless a test moves it, so no pause counts. */
  let now = 0;
  beforeEach(() => {
    now = 1_000_000;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('grants with hurry while a request read earlier waits for its reply, and without once it answered', async () => {
    await nextTurn();
    const gate = new BatchGate(afterTurnRequests);
    const r = awaitingRequest();
    expect(await gate.turn()).toBe(true);
    expect(await gate.turn()).toBe(true);
    r.reply();
    await r.answered();
    expect(await gate.turn()).toBe(false);
  });

  it('hurries the grant that waited for the turn’s requests, as in the server', async () => {
    await nextTurn();
    const gate = new BatchGate(afterTurnRequests);
    // The gate's turn queued first (a turn earlier): its grant waits for the request's handler and the
    // turn's writes, and only then sees the request still waiting.
    const granted = gate.turn();
    const r = awaitingRequest();
    expect(await granted).toBe(true);
    r.reply();
    await r.answered();
  });

  it('does not hurry for a request handled within its turn (a synchronous database)', async () => {
    await nextTurn();
    const gate = new BatchGate(afterTurnRequests);
    // The gate's turn queued first, as in the server: its grant follows the request's write in the same
    // callback, before the handler's own promise has settled.
    const granted = gate.turn();
    answeredWithinTurn();
    expect(await granted).toBe(false);
  });

  it('does not hurry for a request whose body is still arriving, and does from when it has', async () => {
    await nextTurn();
    const gate = new BatchGate(afterTurnRequests);
    const r = awaitingRequest(false);
    expect(await gate.turn()).toBe(false);
    now += 5_000; // a long upload: the wait counts from the body's end, not the handler's start
    r.req.complete = true;
    expect(await gate.turn()).toBe(true);
    r.settle();
    await r.answered();
  });

  it('stops hurrying for a request that settled without an answer of its own', async () => {
    await nextTurn();
    const gate = new BatchGate(afterTurnRequests);
    const r = awaitingRequest();
    expect(await gate.turn()).toBe(true);
    r.settle();
    await r.answered();
    expect(await gate.turn()).toBe(false);
  });

  it('stops hurrying for a reply not back within 20 ms (a fsync, a hung peer)', async () => {
    await nextTurn();
    const gate = new BatchGate(afterTurnRequests);
    const r = awaitingRequest();
    expect(await gate.turn()).toBe(true);
    now += 20;
    expect(await gate.turn()).toBe(true);
    now += 1;
    expect(await gate.turn()).toBe(false);
    now -= 21; // dropped for good: it does not count again
    expect(await gate.turn()).toBe(false);
    r.reply();
    await r.answered();
  });
});

/**
 * The built-in store's batches block the loop, so the server wires `afterTurnReplies`: the grant waits for
 * a waiting request's reply instead of running a batch the reply would be read after (reply-hold.ts bounds
 * the wait). Timers are fake and the clock frozen, so only the test decides when a wait gives up.
 */
describe('the batch waits for a waiting request’s reply (built-in store)', () => {
  let now = 0;
  beforeEach(() => {
    now = 2_000_000;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(async () => {
    // A test that failed mid-hold leaves its timer pending: fire it, so the next test starts with none.
    vi.runOnlyPendingTimers();
    vi.useRealTimers();
    vi.restoreAllMocks();
    await nextTurn();
    await nextTurn();
  });
  /** Turns pass with the grant still held: the engine runs nothing meanwhile. */
  const turns = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i++) await nextTurn();
  };

  it('grants the batch whole once the reply is answered, and not before', async () => {
    await nextTurn();
    const order: string[] = [];
    const gate = new BatchGate(afterTurnReplies);
    const r = awaitingRequest(true, () => order.push('answered'));
    const batch = gate.turn().then((hurry) => order.push(`batch hurry=${hurry}`));
    await turns(5);
    expect(order).toEqual([]);
    r.reply();
    await Promise.all([batch, r.answered()]);
    expect(order).toEqual(['answered', 'batch hurry=false']);
  });

  it('grants a short batch when the reply is not back within HOLD_AT_MOST_MS', async () => {
    await nextTurn();
    const gate = new BatchGate(afterTurnReplies);
    const r = awaitingRequest();
    let granted: boolean | undefined;
    const batch = gate.turn().then((hurry) => (granted = hurry));
    await turns(2);
    vi.advanceTimersByTime(HOLD_AT_MOST_MS - 1);
    await turns(2);
    expect(granted).toBeUndefined();
    vi.advanceTimersByTime(1);
    await batch;
    expect(granted).toBe(true);
    r.reply();
    await r.answered();
  });

  it('writes a response queued while the batch waited before the batch, also when the wait gives up', async () => {
    await nextTurn();
    const order: string[] = [];
    const gate = new BatchGate(afterTurnReplies);
    const r = awaitingRequest(true, () => order.push('answered'));
    const batch = gate.turn().then((hurry) => order.push(`batch hurry=${hurry}`));
    await turns(2);
    // The reply comes in the timers phase just before the wait gives up: its response is queued for the
    // turn's writes, and the batch must not run ahead of it.
    setTimeout(() => r.reply(), HOLD_AT_MOST_MS - 1);
    await vi.advanceTimersByTimeAsync(HOLD_AT_MOST_MS);
    await Promise.all([batch, r.answered()]);
    expect(order).toEqual(['answered', 'batch hurry=false']);
  });

  it('keeps waiting while another request comes and is answered within its turn', async () => {
    await nextTurn();
    const order: string[] = [];
    const gate = new BatchGate(afterTurnReplies);
    const r = awaitingRequest(true, () => order.push('slow answered'));
    const batch = gate.turn().then((hurry) => order.push(`batch hurry=${hurry}`));
    await turns(2);
    answeredWithinTurn(() => order.push('quick answered'));
    await turns(3);
    expect(order).toEqual(['quick answered']);
    r.reply();
    await Promise.all([batch, r.answered()]);
    expect(order).toEqual(['quick answered', 'slow answered', 'batch hurry=false']);
  });

  it('holds once for a slow request: once the wait gave up, its next batches run at once, short', async () => {
    await nextTurn();
    const gate = new BatchGate(afterTurnReplies);
    const r = awaitingRequest();
    const first = gate.turn();
    await turns(2);
    vi.advanceTimersByTime(HOLD_AT_MOST_MS);
    expect(await first).toBe(true);
    // Still waiting (a PUT's fsync): no second hold for it.
    const second = gate.turn();
    let granted: boolean | undefined;
    void second.then((hurry) => (granted = hurry));
    await turns(2);
    expect(granted).toBe(true);
    // A new request is held for again.
    const r2 = awaitingRequest();
    let third: boolean | undefined;
    void gate.turn().then((hurry) => (third = hurry));
    await turns(3);
    expect(third).toBeUndefined();
    r.reply();
    await r.answered();
    await turns(2);
    expect(third).toBeUndefined();
    r2.reply();
    await r2.answered();
    await turns(2);
    expect(third).toBe(false);
  });

  it('goes on when the waiting request settles without an answer of its own', async () => {
    await nextTurn();
    const gate = new BatchGate(afterTurnReplies);
    const r = awaitingRequest();
    const batch = gate.turn();
    await turns(2);
    r.settle();
    await r.answered();
    expect(await batch).toBe(false);
  });

  it('does not wait for a request handled within its turn (SQLite)', async () => {
    await nextTurn();
    const gate = new BatchGate(afterTurnReplies);
    const granted = gate.turn();
    answeredWithinTurn();
    expect(await granted).toBe(false);
  });

  it('stops waiting once the holds have used their share: then the batch runs at once, short', async () => {
    await nextTurn();
    const gate = new BatchGate(afterTurnReplies);
    // Replies that never come in time, back to back: each hold lasts its whole allowance.
    let holds = 0;
    for (;;) {
      const r = awaitingRequest();
      const batch = gate.turn();
      await turns(2);
      let granted: boolean | undefined;
      void batch.then((hurry) => (granted = hurry));
      await turns(1);
      if (granted !== undefined) {
        // Granted without waiting for a timer: the budget is spent.
        expect(granted).toBe(true);
        r.reply();
        await r.answered();
        break;
      }
      now += HOLD_AT_MOST_MS;
      vi.advanceTimersByTime(HOLD_AT_MOST_MS);
      expect(await batch).toBe(true);
      holds++;
      r.reply();
      await r.answered();
      expect(holds).toBeLessThanOrEqual(HOLD_BURST_MS / HOLD_AT_MOST_MS + 1);
    }
    expect(holds).toBeGreaterThanOrEqual(HOLD_BURST_MS / HOLD_AT_MOST_MS);
    // Time passing gives it back (and leaves the budget whole for what runs next in this process).
    now += 60_000;
    const r = awaitingRequest();
    let granted: boolean | undefined;
    const batch = gate.turn().then((hurry) => (granted = hurry));
    await turns(3);
    expect(granted).toBeUndefined();
    r.reply();
    await r.answered();
    expect(await batch).toBe(false);
  });

  it('without the wait (a remote store, afterTurnRequests) the batch runs at once, short', async () => {
    await nextTurn();
    const gate = new BatchGate(afterTurnRequests);
    const r = awaitingRequest();
    expect(await gate.turn()).toBe(true);
    r.reply();
    await r.answered();
  });
});
