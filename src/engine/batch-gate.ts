import { channel } from 'node:diagnostics_channel';

/**
 * Published when the gate grants a batch, with its `hurry` (a short batch asked for). Lets a test through a
 * real server see where the batches fall among the requests; free while nobody subscribes.
 */
export const batchGranted = channel('ossbatch:engine:batch-granted');

/**
 * Grants workers one batch per event-loop iteration. A batch (authorize TASK_BATCH tasks + one applyBatch
 * transaction: ~3 ms for 500 on a quiet 2-core box, many times that under load) runs synchronously; with two workers
 * yielding by plain setImmediate both batches ran back to back in the same check phase, so a request
 * arriving meanwhile waited for both, plus any commit. Through the gate, the poll phase (HTTP: DescribeJob
 * p99 ≤ 50 ms while a job runs) comes around between every two batches. Cost: one loop turn per batch.
 */
export class BatchGate {
  private readonly waiters: ((hurry: boolean) => void)[] = [];
  /** A turn is queued or granted-but-waiting: at most one grant per loop iteration. */
  private scheduled = false;

  /**
   * `beforeBatch` runs in the check phase of every granted turn and calls `grant` when the batch may run.
   * The server passes the HTTP layer's `afterTurnReplies` or `afterTurnRequests` (src/http/request-turn.ts):
   * the requests read in the poll phase just before are handled and answered in the same check phase, and
   * the gate's turn was queued a turn earlier, so it runs first there; without the hook each of those
   * requests waited behind the batch (~2–7 ms of 500 tasks). It grants with `hurry` true when one of those
   * requests could not answer yet and waits for a reply (a database query): the worker then runs a short
   * batch, so the reply, read in the next poll phase, waits for less. `afterTurnReplies` first holds the
   * grant until that reply is answered, within bounds (src/http/reply-hold.ts), and grants short only when
   * the wait gives up.
   */
  constructor(
    private readonly beforeBatch: (grant: (hurry: boolean) => void) => void = (grant) => grant(false),
  ) {}

  /**
   * Resolves in a later loop iteration, one waiter per iteration, first come first served, with whether
   * the batch should be short (a request waits for a reply behind it).
   */
  turn(): Promise<boolean> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.pump);
  }

  private readonly pump = (): void => {
    this.beforeBatch(this.grant);
  };

  private readonly grant = (hurry: boolean): void => {
    this.scheduled = false;
    const next = this.waiters.shift();
    if (next === undefined) return;
    if (batchGranted.hasSubscribers) batchGranted.publish(hurry);
    next(hurry);
    if (this.waiters.length > 0) this.schedule();
  };
}
