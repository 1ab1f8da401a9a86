/**
 * The load generator of `npm run bench:http`, in its own process: autocannon against one URL (closed loop,
 * as fast as the server answers), or a paced open-loop generator at a fixed offered rate; results sent to
 * the parent over IPC. Forked by bench/http.ts with one JSON argument (LoadSpec).
 */
import http from 'node:http';
import autocannon from 'autocannon';

export interface LoadSpec {
  readonly url: string;
  readonly method: 'GET' | 'HEAD';
  readonly headers: Record<string, string>;
  readonly connections: number;
  readonly seconds: number;
  /** Requests/s sent at even intervals (paced generator); absent = autocannon, as fast as answered. */
  readonly rate?: number;
}

export interface LoadResult {
  readonly requests: number;
  readonly rps: number;
  readonly p50ms: number;
  readonly p99ms: number;
  /** Responses other than 2xx, connection errors and timeouts: any of them makes the run invalid. */
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
}

/**
 * autocannon parses responses with http-parser-js, which is never told the request was a HEAD: it waits
 * for the Content-Length bytes a HEAD answer announces but never sends (RFC 9110 §8.6: HEAD carries the
 * GET's Content-Length) and the connection times out. Returning 1 from the headers-complete callback is
 * the parser's own "skip the body" answer (as Node's http client does for HEAD). autocannon assigns that
 * callback after setupClient runs, so the wrapper is installed as an accessor on the parser.
 */
function skipBodies(client: autocannon.Client): void {
  const parser = (client as unknown as { parser: Record<number, unknown> }).parser;
  const ON_HEADERS_COMPLETE = 2; // http-parser-js HTTPParser.kOnHeadersComplete
  let handler: ((info: unknown) => unknown) | undefined;
  Object.defineProperty(parser, ON_HEADERS_COMPLETE, {
    set(fn: (info: unknown) => unknown) {
      handler = fn;
    },
    get() {
      return (info: unknown) => {
        handler?.(info);
        return 1;
      };
    },
  });
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  const result = await autocannon({
    url: spec.url,
    method: spec.method,
    headers: spec.headers,
    connections: spec.connections,
    duration: spec.seconds,
    ...(spec.method === 'HEAD' ? { setupClient: skipBodies } : {}),
  });
  const seconds = result.duration;
  return {
    requests: result.requests.total,
    rps: Math.round(result.requests.total / seconds),
    p50ms: result.latency.p50,
    p99ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

/**
 * A fixed offered rate, wrk2-style: request i is due at start + i/rate and its latency is counted from
 * that due time, so a server stall delays (and is charged to) every request due during it. Not autocannon
 * --overallRate: it lets each connection send its per-second quota back to back at the start of every
 * second, so at 2,000 req/s over 64 connections each second opens with all 64 connections busy, and it
 * adds coordinated-omission samples at a 1 ms interval. Against a bare Node server that answers 13k req/s
 * it reported p99 158 ms at 2,000 req/s (63 ms with the correction off) where this generator sees ~1–2 ms.
 */
async function paced(spec: LoadSpec, rate: number): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections });
  const url = new URL(spec.url);
  const total = Math.round(rate * spec.seconds);
  const latencies = new Float64Array(total);
  let done = 0;
  let failed = 0;
  let sent = 0;
  const start = performance.now();
  const send = (due: number, i: number): void => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: spec.method,
        headers: spec.headers,
        agent,
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          latencies[i] = performance.now() - due;
          if ((res.statusCode ?? 0) >= 300) failed += 1;
          done += 1;
        });
      },
    );
    req.on('error', () => {
      latencies[i] = performance.now() - due;
      failed += 1;
      done += 1;
    });
    req.end();
  };
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - start) * rate) / 1000) + 1);
      for (; sent < due; sent++) send(start + (sent * 1000) / rate, sent);
      if (sent < total) setTimeout(tick, 0);
      else resolve();
    };
    tick();
  });
  while (done < total) await new Promise((r) => setTimeout(r, 5));
  agent.destroy();
  const sorted = latencies.sort();
  const pct = (p: number): number =>
    Math.round((sorted[Math.min(total - 1, Math.floor(total * p))] ?? 0) * 100) / 100;
  const seconds = (performance.now() - start) / 1000;
  return {
    requests: total,
    rps: Math.round(total / seconds),
    p50ms: pct(0.5),
    p99ms: pct(0.99),
    non2xx: failed,
    errors: 0,
    timeouts: 0,
  };
}

const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
process.send?.(await (spec.rate === undefined ? run(spec) : paced(spec, spec.rate)));
process.exit(0);
