import { describe, expect, it } from 'vitest';
import { HOLD_AT_MOST_MS, HOLD_BURST_MS, HOLD_SHARE, HoldBudget } from '../../src/http/reply-hold.js';

/** How long the engine's batch may wait for a request's reply: one hold, and all of them together. */
describe('HoldBudget', () => {
  const clock = () => {
    let now = 0;
    return { now: () => now, advance: (ms: number) => void (now += ms) };
  };

  it('allows one hold at most HOLD_AT_MOST_MS, however much budget is left', () => {
    const c = clock();
    const budget = new HoldBudget(c.now);
    expect(budget.allowance()).toBe(HOLD_AT_MOST_MS);
    c.advance(60_000);
    expect(budget.allowance()).toBe(HOLD_AT_MOST_MS);
  });

  it('holds back to back spend the burst, then the share of the time that passed', () => {
    const c = clock();
    const budget = new HoldBudget(c.now);
    let held = 0;
    // Requests back to back, each held for as long as allowed: the engine would never run.
    // Bounded, so a budget that never runs out fails here instead of looping for ever.
    while (budget.allowance() > 0.001 && held <= 10 * HOLD_BURST_MS) {
      const ms = budget.allowance();
      c.advance(ms);
      budget.spend(ms);
      held += ms;
    }
    // The burst, plus the share of the time the burst itself took.
    expect(held).toBeGreaterThanOrEqual(HOLD_BURST_MS);
    expect(held).toBeLessThan(HOLD_BURST_MS / (1 - HOLD_SHARE) + 0.001);
    // Then a second brings back a tenth of it.
    c.advance(1000);
    expect(budget.allowance()).toBe(HOLD_AT_MOST_MS);
    let more = 0;
    while (budget.allowance() > 0 && more < 1000) {
      const ms = budget.allowance();
      budget.spend(ms);
      more += ms;
    }
    expect(more).toBeCloseTo(Math.min(HOLD_BURST_MS, 1000 * HOLD_SHARE), 6);
  });

  it('over a long stream of holds, the engine waits at most HOLD_SHARE of the time', () => {
    const c = clock();
    const budget = new HoldBudget(c.now);
    let held = 0;
    const seconds = 10;
    // A request every 2 ms whose reply would take 3 ms: without the budget the engine would wait always.
    for (let t = 0; t < seconds * 1000; t += 2) {
      const ms = Math.min(3, budget.allowance());
      if (ms > 0) {
        budget.spend(ms);
        held += ms;
      }
      c.advance(2);
    }
    expect(held).toBeLessThanOrEqual(seconds * 1000 * HOLD_SHARE + HOLD_BURST_MS);
    expect(held).toBeGreaterThan(seconds * 1000 * HOLD_SHARE * 0.9);
  });

  it('pays back a hold that overran its allowance (a late timer)', () => {
    const c = clock();
    const budget = new HoldBudget(c.now);
    budget.spend(HOLD_BURST_MS + 10);
    expect(budget.allowance()).toBeLessThan(0);
    c.advance(10 / HOLD_SHARE);
    expect(budget.allowance()).toBeCloseTo(0, 6);
    c.advance(HOLD_AT_MOST_MS / HOLD_SHARE);
    expect(budget.allowance()).toBeCloseTo(HOLD_AT_MOST_MS, 6);
  });
});
