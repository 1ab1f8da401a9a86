import { Counter, Gauge, type Registry } from 'prom-client';
import type { JobRepo } from '../jobs/job-repo.js';
import { JOB_STATUSES } from '../jobs/model.js';
import type { EngineEvents } from './events.js';

/**
 * Engine metrics (names are stable; dashboards and docs rely on them):
 * - ossbatch_tasks_total{operation,outcome}  counter: tasks finished; outcome = succeeded | failed.
 * - ossbatch_chunk_leases_total              counter: chunk leases taken (claims, including re-claims).
 * - ossbatch_chunks_leased                   gauge:   chunks this process holds right now.
 * - ossbatch_manifest_rows_total             counter: manifest tasks planned; rate() = planning rows/s.
 * - ossbatch_jobs{status}                    gauge:   jobs per status, read from the jobs table on scrape.
 */
export interface EngineMetrics {
  readonly tasks: Counter<'operation' | 'outcome'>;
  readonly leases: Counter;
  readonly leased: Gauge;
  readonly manifestRows: Counter;
}

export function createEngineMetrics(registry: Registry, jobs: JobRepo): EngineMetrics {
  // An engine re-created on the same registry (tests, restarts in-process) replaces its metrics.
  for (const name of [
    'ossbatch_tasks_total',
    'ossbatch_chunk_leases_total',
    'ossbatch_chunks_leased',
    'ossbatch_manifest_rows_total',
    'ossbatch_jobs',
  ]) {
    if (registry.getSingleMetric(name)) registry.removeSingleMetric(name);
  }
  new Gauge({
    name: 'ossbatch_jobs',
    help: 'Jobs per status.',
    labelNames: ['status'],
    registers: [registry],
    async collect(): Promise<void> {
      const seen = await jobs.countByStatus();
      for (const s of JOB_STATUSES) this.set({ status: s }, seen[s] ?? 0);
    },
  });
  return {
    tasks: new Counter({
      name: 'ossbatch_tasks_total',
      help: 'Batch tasks finished, by operation and outcome.',
      labelNames: ['operation', 'outcome'],
      registers: [registry],
    }),
    leases: new Counter({
      name: 'ossbatch_chunk_leases_total',
      help: 'Chunk leases taken by this process.',
      registers: [registry],
    }),
    leased: new Gauge({
      name: 'ossbatch_chunks_leased',
      help: 'Chunks this process currently holds.',
      registers: [registry],
    }),
    manifestRows: new Counter({
      name: 'ossbatch_manifest_rows_total',
      help: 'Manifest rows (tasks) planned.',
      registers: [registry],
    }),
  };
}

/** Metrics fed by engine events (the engine itself only emits). */
export function subscribeEngineMetrics(events: EngineEvents, metrics: EngineMetrics): void {
  events.on('chunk-claimed', () => metrics.leases.inc());
}
