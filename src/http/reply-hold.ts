/**
 * How long the engine's next batch may wait for a request's reply (request-turn.ts, `afterTurnReplies`).
 *
 * On the built-in store a batch runs synchronously: a DescribeJob on PostgreSQL sends its query, and the
 * reply, back in under a millisecond, is read only after the batch granted meanwhile. With a short batch
 * (100 tasks) there, a DescribeJob took p50 3.14 ms in the server during a job (its query 1.96); with the
 * batch waiting for the reply, 2.02 (0.77). The wait also gives the freed core to PostgreSQL and the
 * client, and the job ran no slower: ratio 0.711 against 0.705 (means), 2,477–2,857 grants per 1M-task
 * job against 3,636–3,875 (eight alternating pairs, docs/performance.md, fourteenth pass).
 *
 * Bounded twice, because a reply can take long (a PUT's fsync, a slow or hung database) and requests can
 * come back to back: one hold lasts at most HOLD_AT_MOST_MS, after which the batch runs short and that
 * request is not held for again; and the holds together take at most HOLD_SHARE of the loop's time in the
 * long run (a token bucket of HOLD_BURST_MS), so a stream of PUTs or DescribeJobs idles the engine for a
 * tenth of its time at most. Past that, requests waiting for replies get short batches, as before the holds.
 */

/** A DescribeJob's query took p99 4.4–6.7 ms during a job (docs/performance.md, twelfth pass). */
export const HOLD_AT_MOST_MS = 5;
/**
 * The bench's DescribeJob every 10 ms held the engine 1.2–1.7 s of a 12–17 s execute on a slow machine
 * (~1 ms a query) at no measured cost; four clients PUTting back to back slowed a job 2–6% (fourteenth pass).
 */
export const HOLD_SHARE = 0.1;
/** Room for a few holds in a row (four at the cap) before the share applies. */
export const HOLD_BURST_MS = 20;

export class HoldBudget {
  private tokens: number;
  private at: number;

  constructor(
    private readonly now: () => number = () => performance.now(),
    private readonly share = HOLD_SHARE,
    private readonly burstMs = HOLD_BURST_MS,
  ) {
    this.tokens = burstMs;
    this.at = now();
  }

  /** How long the next hold may last, in ms: ≤ HOLD_AT_MOST_MS; 0 or less when the budget is spent. */
  allowance(): number {
    this.refill();
    return Math.min(HOLD_AT_MOST_MS, this.tokens);
  }

  /** Records a hold that lasted `ms`. A hold that overran its allowance (a late timer) is paid back. */
  spend(ms: number): void {
    this.refill();
    this.tokens -= Math.max(0, ms);
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burstMs, this.tokens + Math.max(0, now - this.at) * this.share);
    this.at = Math.max(this.at, now);
  }
}
