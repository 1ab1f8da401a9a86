/**
 * CPU per request log line through the server's log destination (issue 10, fifth pass), in one process:
 * `--shape batched` (src/http/log-destination.ts: lines joined per ~4 KiB, then sonic-boom) against
 * `--shape sonic` (sonic-boom gathering the lines itself, minLength 4096: the destination before). Lines go
 * to /dev/null asynchronously; the figure is process CPU (user + system, GC included) per line, median of
 * `--rounds`, each round `--lines` lines logged in bursts of 64 (one busy loop turn's requests) with a
 * macrotask between bursts so the asynchronous writes complete as they would in the server.
 *
 *   npx tsx bench/log-line-cost.ts [--shape batched|sonic] [--lines 200000] [--rounds 5]
 */
import pino from 'pino';
import { LogLineBatcher, MAX_BUFFERED_LOG_BYTES } from '../src/http/log-destination.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const shape = arg('shape', 'batched');
const lines = Number(arg('lines', '200000'));
const rounds = Number(arg('rounds', '5'));
const destination =
  shape === 'sonic'
    ? pino.destination({
        dest: '/dev/null',
        sync: false,
        minLength: 4096,
        periodicFlush: 250,
        maxLength: MAX_BUFFERED_LOG_BYTES,
      })
    : new LogLineBatcher(
        pino.destination({ dest: '/dev/null', sync: false, minLength: 0, maxLength: MAX_BUFFERED_LOG_BYTES }),
      );
const logger = pino({ level: 'info', name: 'ossbatch' }, destination).child({ component: 'http' });
const operations = ['GetObject', 'HeadObject', 'GetObjectTagging'];

async function round(): Promise<number> {
  const before = process.cpuUsage();
  for (let i = 0; i < lines; i += 64) {
    for (let j = 0; j < 64; j++) {
      logger.info(
        {
          requestId: `6746A1B2C3D4E5F6${(i + j).toString(16).padStart(8, '0')}`,
          method: 'GET',
          operation: operations[(i + j) % 3],
          status: 200,
          ms: 0.4,
        },
        'request',
      );
    }
    await new Promise((r) => setImmediate(r));
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / lines;
}

const results: number[] = [];
await round(); // warm-up
for (let r = 0; r < rounds; r++) results.push(await round());
const sorted = [...results].sort((a, b) => a - b);
console.log(
  `${shape}: CPU µs per log line, median ${sorted[Math.floor(sorted.length / 2)]?.toFixed(2)}  runs ${results.map((x) => x.toFixed(2)).join(' ')}`,
);
