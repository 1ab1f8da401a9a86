/**
 * The bare Node `http` baseline of `npm run bench:http`: answers each request the bench recorded from
 * ossbatch (same status, headers and body bytes), looked up by method and URL. Everything else: 404.
 *
 *   node --import tsx bench/http-bare-server.ts <responses.json>   → prints `listening <port>`
 */
import fs from 'node:fs';
import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface RecordedResponse {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  /** Header name/value pairs as ossbatch sent them, minus those Node adds itself (Date, Connection, …). */
  readonly headers: readonly [string, string][];
  readonly bodyBase64: string;
}

const recorded = JSON.parse(fs.readFileSync(process.argv[2] ?? '', 'utf8')) as RecordedResponse[];
const answers = new Map(
  recorded.map((r) => [
    `${r.method} ${r.url}`,
    { status: r.status, headers: r.headers.flat(), body: Buffer.from(r.bodyBase64, 'base64') },
  ]),
);

// The control for ossbatch's event-loop delay: the same metric, so a machine busy with other work shows
// in both (GET /-/metrics, reset on every read as ossbatch's is).
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

const server = http.createServer((req, res) => {
  if (req.url === '/-/metrics') {
    // As ossbatch's metric (src/http/event-loop-delay.ts loopDelayMs): the 10 ms sampling interval subtracted.
    const p99 = loopDelay.count === 0 ? 0 : Math.max(0, loopDelay.percentile(99) / 1e9 - 0.01);
    loopDelay.reset();
    res.end(`ossbatch_event_loop_delay_seconds{quantile="0.99"} ${p99}\n`);
    return;
  }
  const answer = answers.get(`${req.method} ${req.url}`);
  if (answer === undefined) {
    res.writeHead(404, { 'Content-Length': 0 }).end();
    return;
  }
  res.writeHead(answer.status, answer.headers);
  res.end(req.method === 'HEAD' ? undefined : answer.body);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
