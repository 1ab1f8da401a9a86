import { Histogram, type Registry } from 'prom-client';
import type { WalCheckpointObserver } from './wal-checkpointer.js';

/**
 * Buckets from 1 ms to 2.5 s: a checkpoint of a few hundred frames took 5-6 ms on average in `npm run
 * bench` (wal_* keys, 2026-11-30), and a slow disk took 10-180 ms per fsync (two per checkpoint; strace,
 * the same day); pauses took 3-58 ms on one machine, 16-24 ms on average on another, the longest under 50.
 * The long tail is what an operator needs to see: a disk that stalls makes every pause as long.
 */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * The built-in store's WAL checkpointing (db/sqlite/wal-checkpointer.ts) as Prometheus metrics; names are
 * stable (docs/operations.md):
 * - ossbatch_wal_checkpoint_seconds           histogram: checkpoints on the thread, fsyncs included;
 * - ossbatch_wal_pause_seconds{outcome}       histogram: how long the engine's bulk writes waited for the WAL
 *   to be copied before its restart; outcome = copied | gave-up (a reader, other writes or another
 *   connection's checkpoint kept frames from being copied: many of these mean the WAL file keeps growing).
 * Built-in store with its checkpoint thread only; a store re-opened in the same process starts them anew.
 */
export function createWalMetrics(registry: Registry): WalCheckpointObserver {
  // A store re-opened on the same registry (tests, in-process restarts) replaces its metrics.
  for (const name of ['ossbatch_wal_checkpoint_seconds', 'ossbatch_wal_pause_seconds']) {
    if (registry.getSingleMetric(name)) registry.removeSingleMetric(name);
  }
  const checkpoint = new Histogram({
    name: 'ossbatch_wal_checkpoint_seconds',
    help: "Checkpoints of the built-in store's SQLite WAL on its checkpoint thread, fsyncs included.",
    buckets: BUCKETS,
    registers: [registry],
  });
  const pause = new Histogram({
    name: 'ossbatch_wal_pause_seconds',
    help: 'Time bulk writes waited for every WAL frame to be copied before the WAL restarts, by outcome.',
    labelNames: ['outcome'],
    buckets: BUCKETS,
    registers: [registry],
  });
  return {
    checkpointed: (seconds) => checkpoint.observe(seconds),
    paused: (seconds, outcome) => pause.observe({ outcome }, seconds),
  };
}
