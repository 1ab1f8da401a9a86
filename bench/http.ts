/**
 * Request-path benchmark (`npm run bench:http`, `-- --json` for one JSON line): in one run, a bare Node
 * `http` server answering the same bytes, and ossbatch (`bin/ossbatch.js server`: built-in store, request
 * log on at `info`, read from its stdout pipe), each in its own process, each driven by autocannon in its
 * own process, for three requests: a V4-presigned GET of a 5-byte object, a V4-signed HeadObject and a
 * V4-signed GetObjectTagging. Per case and server: req/s, p50, p99 at `--connections` (64), the ratio to
 * bare Node, p99 at a fixed offered rate (`--rate`, 2,000 req/s, sent at even intervals: http-load.ts says why not
 * autocannon --overallRate), the server's
 * event-loop delay p99 during each run (ossbatch_event_loop_delay_seconds on /-/metrics) and its CPU µs
 * per request (/proc). Targets (issue 10): ratio ≥ 0.33, p99 at 2,000 req/s ≤ 10 ms, loop delay p99 ≤ 10 ms.
 *
 * `--compare <checkout>` adds that checkout's build (e.g. main in another worktree, built) as a third
 * server: before/after in the same run. Options: --seconds N (8), --warmup N (2), --connections N (64),
 * --rate N (2000), --cases a,b (a subset, by name), --profile DIR (CPU profiles of the ossbatch
 * servers, DIR/<name>/).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, load, record, seedAndPresign, v4Case, type Case } from './http-cases.js';
import type { LoadSpec } from './http-load.js';
import { scrapeLoopDelayP99, startBare, startOssbatch, type Target } from './http-targets.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

interface Measured {
  server: string;
  rps: number;
  p50_ms: number;
  p99_ms: number;
  ratio_to_bare: number | null;
  p99_at_rate_ms: number;
  loop_delay_p99_ms: number | null;
  loop_delay_p99_at_rate_ms: number | null;
  cpu_us_per_request: number | null;
  failed_requests: number;
}

async function measure(
  t: Target,
  c: Case,
  opts: { seconds: number; warmup: number; connections: number; rate: number },
): Promise<Omit<Measured, 'ratio_to_bare'>> {
  const spec = (extra: Partial<LoadSpec>): LoadSpec => ({
    url: `http://127.0.0.1:${t.port}${c.path}`,
    method: c.method,
    headers: c.headers(),
    connections: opts.connections,
    seconds: opts.seconds,
    ...extra,
  });
  if (opts.warmup > 0) await load(spec({ seconds: opts.warmup }));
  await scrapeLoopDelayP99(t.port);
  const cpuBefore = t.cpuMs();
  const max = await load(spec({}));
  const cpuAfter = t.cpuMs();
  const loopMax = await scrapeLoopDelayP99(t.port);
  const atRate = await load(spec({ rate: opts.rate }));
  const loopRate = await scrapeLoopDelayP99(t.port);
  const cpu =
    cpuBefore === undefined || cpuAfter === undefined ? null : ((cpuAfter - cpuBefore) * 1000) / max.requests;
  const round1 = (n: number | undefined): number | null => (n === undefined ? null : Math.round(n * 10) / 10);
  return {
    server: t.name,
    rps: max.rps,
    p50_ms: max.p50ms,
    p99_ms: max.p99ms,
    p99_at_rate_ms: atRate.p99ms,
    loop_delay_p99_ms: round1(loopMax),
    loop_delay_p99_at_rate_ms: round1(loopRate),
    cpu_us_per_request: cpu === null ? null : Math.round(cpu),
    failed_requests: [max, atRate].reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0),
  };
}

async function main(): Promise<void> {
  const opts = {
    seconds: Number(arg('seconds', '8')),
    warmup: Number(arg('warmup', '2')),
    connections: Number(arg('connections', '64')),
    rate: Number(arg('rate', '2000')),
  };
  const compare = arg('compare', '');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-bench-http-'));
  const targets: Target[] = [];
  try {
    const repo = path.resolve(import.meta.dirname, '..');
    // --profile DIR: CPU profiles of the ossbatch servers (node --cpu-prof), written when they stop.
    const profile = arg('profile', '');
    // --node-arg X (repeatable): extra flags for the ossbatch servers' node (e.g. --trace-deopt, --perf-basic-prof).
    const extra = process.argv.flatMap((a, i) => (a === '--node-arg' ? [process.argv[i + 1] ?? ''] : []));
    const nodeArgs = (name: string): string[] =>
      profile === '' ? extra : [...extra, '--cpu-prof', '--cpu-prof-dir', path.resolve(profile, name)];
    const ours = await startOssbatch('ossbatch', repo, path.join(tmp, 'ours'), ROOT, nodeArgs('ossbatch'));
    targets.push(ours);
    if (compare !== '') {
      const before = await startOssbatch(
        'before',
        path.resolve(compare),
        path.join(tmp, 'before'),
        ROOT,
        nodeArgs('before'),
      );
      targets.push(before);
      await seedAndPresign(before.port);
    }
    const only = arg('cases', '')
      .split(',')
      .filter((n) => n !== '');
    const cases = [
      await seedAndPresign(ours.port),
      v4Case('head_object_v4', 'HEAD', {}),
      v4Case('get_object_tagging_v4', 'GET', { tagging: '' }),
    ].filter((c) => only.length === 0 || only.includes(c.name));
    const recorded = await Promise.all(cases.map((c) => record(ours.port, c)));
    fs.writeFileSync(path.join(tmp, 'responses.json'), JSON.stringify(recorded));
    const bare = await startBare(path.join(tmp, 'responses.json'));
    targets.unshift(bare);
    const results: Record<string, Measured[]> = {};
    for (const c of cases) {
      const rows: Measured[] = [];
      for (const t of targets) {
        const m = await measure(t, c, opts);
        const bareRps = rows[0]?.rps;
        rows.push({ ...m, ratio_to_bare: bareRps ? Math.round((m.rps / bareRps) * 1000) / 1000 : null });
      }
      results[c.name] = rows;
    }
    const summary = {
      bench: 'http',
      connections: opts.connections,
      seconds: opts.seconds,
      rate: opts.rate,
      log_level: 'info',
      request_log_lines: ours.logLines(),
      cases: results,
      cpus: os.cpus().length,
      loadavg_1m: Number(os.loadavg()[0]?.toFixed(1)),
    };
    if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else printTable(summary.cases, opts, summary.request_log_lines);
  } finally {
    for (const t of targets) await t.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function printTable(
  cases: Record<string, Measured[]>,
  opts: { connections: number; rate: number },
  logLines: number,
): void {
  const out = [
    `bench:http, ${opts.connections} connections; p99@rate at ${opts.rate} req/s; ossbatch wrote ${logLines} request log lines`,
  ];
  for (const [name, rows] of Object.entries(cases)) {
    out.push(`${name}`);
    for (const r of rows) {
      out.push(
        `  ${r.server.padEnd(9)} ${String(r.rps).padStart(6)} req/s  p50 ${r.p50_ms} ms  p99 ${r.p99_ms} ms  ratio ${r.ratio_to_bare ?? '-'}` +
          `  p99@rate ${r.p99_at_rate_ms} ms  loop p99 ${r.loop_delay_p99_ms ?? '-'} / ${r.loop_delay_p99_at_rate_ms ?? '-'} ms` +
          `  cpu ${r.cpu_us_per_request ?? '-'} µs/req${r.failed_requests > 0 ? `  FAILED ${r.failed_requests}` : ''}`,
      );
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

await main();
