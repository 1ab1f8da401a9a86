import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Gauge, type Registry } from 'prom-client';

/**
 * Sampling interval of the event-loop delay histogram. 10 ms is Node's default and prom-client's: 100
 * timer wake-ups a second cost nothing measurable, and a stall shorter than this still shows (the timer
 * that should have fired during it fires late by the stall's length).
 */
const RESOLUTION_MS = 10;

/**
 * How late a timer ran, in ms, from a monitorEventLoopDelay histogram value (ns). The histogram records the
 * whole interval between samples, the resolution included: an idle loop sampled every 10 ms reads ~10.2 ms
 * (measured: resolution 1/10/20 ms → mean 1.1/10.2/20.4 ms, idle), so the resolution is subtracted, or an
 * idle bare Node server would show a 10–13 ms "delay" and a ≤ 10 ms target could never be met.
 */
export function loopDelayMs(histogramNs: number, resolutionMs: number): number {
  return Math.max(0, histogramNs / 1e6 - resolutionMs);
}

/** Quantiles exposed; `1` is the window's maximum. */
const QUANTILES = [0.5, 0.99, 1] as const;

export interface EventLoopDelayMonitor {
  /** Stops sampling (server close): an enabled histogram keeps its timer for the life of the process. */
  stop(): void;
}

/**
 * `ossbatch_event_loop_delay_seconds{quantile}`: how late the event loop ran timers, from
 * perf_hooks.monitorEventLoopDelay, over the window since the previous scrape (every collect resets it,
 * as prom-client's own `nodejs_eventloop_lag_p99_seconds` does). A stall of the loop (a synchronous fsync,
 * a large synchronous read, a sync log write) delays every request in flight by its length, so this is the
 * tail latency no client-side figure can attribute (docs/performance.md, `npm run bench:http`).
 */
export function monitorEventLoop(registry: Registry): EventLoopDelayMonitor {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  const name = 'ossbatch_event_loop_delay_seconds';
  // A server re-created on the same registry (tests) replaces the metric, as the engine's metrics do.
  if (registry.getSingleMetric(name)) registry.removeSingleMetric(name);
  new Gauge({
    name,
    help: 'Event-loop delay quantiles since the previous scrape (quantile 1 = maximum)',
    labelNames: ['quantile'] as const,
    registers: [registry],
    collect() {
      // With no sample yet (a scrape right after the previous one) the histogram reports 0.
      const count = histogram.count;
      for (const q of QUANTILES) {
        const ns = count === 0 ? 0 : q === 1 ? histogram.max : histogram.percentile(q * 100);
        this.set({ quantile: String(q) }, count === 0 ? 0 : loopDelayMs(ns, RESOLUTION_MS) / 1e3);
      }
      histogram.reset();
    },
  });
  return { stop: () => histogram.disable() };
}
