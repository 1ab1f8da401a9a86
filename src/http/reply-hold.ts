/**
 * How long the engine's next batch may wait for a request's reply (request-turn.ts, `afterTurnReplies`).
 *
 * On the built-in store a batch runs synchronously: a DescribeJob on PostgreSQL sends its query, and the
 * reply, back in ~0.4–0.8 ms, is read only after the batch granted meanwhile. A short batch (100 tasks)
 * still left the request at p50 3.3 ms in the server during a job (query p50 2.1) against 2.0 (0.8) when
 * the batch waits for the reply; the wait also gives the freed core to PostgreSQL and the client, and the
 * job ran no slower: ratio 0.698–0.730 against 0.654–0.702, with 2,415 grants against 3,780
 * (docs/performance.md, fourteenth pass).
 *
 * Bounded twice, because a reply can take long (a PUT's fsync, a slow or hung database) and requests can
 * come back to back: one hold lasts at most HOLD_AT_MOST_MS, after which the batch runs short; and the
 * holds together take at most HOLD_SHARE of the loop's time, a token bucket of HOLD_BURST_MS, so a stream
 * of PUTs or DescribeJobs slows the engine by a tenth at worst.
 */

/** A DescribeJob's query took p99 4.4–6.7 ms during a job (docs/performance.md, twelfth pass). */
export const HOLD_AT_MOST_MS = 5;
/** The bench's DescribeJob every 10 ms held the engine ~8% of the time on a slow machine (0.78 ms each). */
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
    this.at = now;
  }
}
