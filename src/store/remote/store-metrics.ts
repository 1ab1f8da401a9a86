import { Counter, Gauge, type Registry } from 'prom-client';

/** Remote store metrics (names are stable and listed in docs/operations.md). */
export interface StoreMetrics {
  /** Called on each backoff pause: counts retries by the OSS code the store's answer mapped to. */
  retried(code: string): void;
}

export function createStoreMetrics(registry: Registry, pending: () => number): StoreMetrics {
  const retries = new Counter({
    name: 'ossbatch_store_retries_total',
    help: 'Remote store calls retried after a transient answer (503, 429, SlowDown, resets), by mapped code.',
    labelNames: ['code'],
    registers: [registry],
  });
  new Gauge({
    name: 'ossbatch_store_calls_pending',
    help: 'Remote store calls in flight or waiting for a slot of the concurrency limiter.',
    registers: [registry],
    collect() {
      this.set(pending());
    },
  });
  return { retried: (code) => retries.inc({ code }) };
}
