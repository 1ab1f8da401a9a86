/**
 * Grants workers one batch per event-loop iteration. A batch (authorize TASK_BATCH tasks + one applyBatch
 * transaction: ~3 ms for 500 on a quiet 2-core box, many times that under load) runs synchronously; with two workers
 * yielding by plain setImmediate both batches ran back to back in the same check phase, so a request
 * arriving meanwhile waited for both, plus any commit. Through the gate, the poll phase (HTTP: DescribeJob
 * p99 ≤ 50 ms while a job runs) comes around between every two batches. Cost: one loop turn per batch.
 */
export class BatchGate {
  private readonly waiters: (() => void)[] = [];
  private scheduled = false;

  /**
   * `beforeBatch` runs at the start of every granted turn, before the batch: the server passes the HTTP
   * layer's flush of the responses waiting for the end of the turn (src/http/turn-end-writes.ts). Both wait
   * in the check phase, and the gate's turn was queued a turn earlier, so without it every response of a
   * turn went out only after the batch (~2-7 ms of 500 tasks) that the gate then let run.
   */
  constructor(private readonly beforeBatch: () => void = () => {}) {}

  /** Resolves in a later loop iteration, one waiter per iteration, first come first served. */
  turn(): Promise<void> {
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
    this.scheduled = false;
    this.beforeBatch();
    this.waiters.shift()?.();
    if (this.waiters.length > 0) this.schedule();
  };
}
