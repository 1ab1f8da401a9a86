import type pino from 'pino';
import type { Clock, TimerHandle } from '../protocol/clock.js';
import type { ObjectStore } from '../store/object-store.js';
import { toRecord } from './document.js';
import { periodMs, type InventoryRecord } from './model.js';
import { runInventory } from './run.js';

/** Due configurations handled per tick; the rest wait for the next tick. */
const PER_TICK = 20;

/** The first scheduled time after `now` on the record's grid (missed periods are skipped, not replayed). */
export function nextRunAfter(record: InventoryRecord, now: number): number {
  const period = periodMs(record.config.frequency);
  const missed = Math.floor((now - record.nextRunAt) / period) + 1;
  return record.nextRunAt + Math.max(1, missed) * period;
}

/**
 * Runs bucket inventories on their schedule. Every `intervalMs` (a Clock timer: it only decides how soon
 * a due run is noticed) it asks the store which configurations are due by the injected Clock — so a test
 * that moves the clock a day ahead sees the daily run — claims each by compare-and-set on its next-run
 * time (two nodes never run one twice), then runs it. A disabled configuration keeps its schedule but
 * writes nothing.
 */
export class InventoryScheduler {
  private timer: TimerHandle | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly deps: { store: ObjectStore; clock: Clock; logger: pino.Logger },
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.timer = this.deps.clock.setInterval(() => {
      if (this.running === undefined) this.running = this.tick().finally(() => (this.running = undefined));
    }, this.intervalMs);
  }

  async stop(): Promise<void> {
    this.timer?.cancel();
    this.timer = undefined;
    await this.running;
  }

  /** One pass over the due configurations; never throws (failures are logged per run). */
  async tick(): Promise<void> {
    const now = this.deps.clock.now();
    let due: InventoryRecord[];
    try {
      due = (await this.deps.store.dueInventories(now, PER_TICK)).map(toRecord);
    } catch (err) {
      this.deps.logger.error({ err }, 'inventory schedule query failed');
      return;
    }
    for (const record of due) {
      const { bucket, config } = record;
      try {
        const claimed = await this.deps.store.claimInventoryRun(
          bucket,
          config.id,
          record.nextRunAt,
          nextRunAfter(record, now),
        );
        if (!claimed || !config.isEnabled) continue;
        const result = await runInventory(this.deps, bucket, config);
        this.deps.logger.info(
          { bucket, inventoryId: config.id, manifest: result.manifestKey, rows: result.rows },
          'inventory run',
        );
      } catch (err) {
        this.deps.logger.error({ err, bucket, inventoryId: config.id }, 'inventory run failed');
      }
    }
  }
}
