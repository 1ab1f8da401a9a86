import { Counter, Histogram, type Registry } from 'prom-client';

/** HTTP metrics (stable names, documented in docs/): one counter and one latency histogram by operation. */
export interface HttpMetrics {
  observe(operation: string, status: number, seconds: number): void;
}

export function createHttpMetrics(registry: Registry): HttpMetrics {
  const requests = new Counter({
    name: 'ossbatch_http_requests_total',
    help: 'HTTP requests by OSS operation and status code',
    labelNames: ['operation', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'ossbatch_http_request_duration_seconds',
    help: 'HTTP request latency by OSS operation',
    labelNames: ['operation'] as const,
    // Sub-millisecond buckets: metadata operations answer in well under 1 ms locally.
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [registry],
  });
  // Labelled children cached per (operation, status): prom-client otherwise hashes the label set per call.
  const counters = new Map<string, Counter.Internal>();
  const histograms = new Map<string, Histogram.Internal<'operation'>>();
  return {
    observe(operation, status, seconds) {
      const key = `${operation} ${status}`;
      let counter = counters.get(key);
      if (counter === undefined) {
        counter = requests.labels(operation, String(status));
        counters.set(key, counter);
      }
      counter.inc();
      let histogram = histograms.get(operation);
      if (histogram === undefined) {
        histogram = duration.labels(operation);
        histograms.set(operation, histogram);
      }
      histogram.observe(seconds);
    },
  };
}
