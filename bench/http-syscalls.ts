/**
 * Syscalls and CPU per request across processes (issue 10, third pass): the bare Node server and ossbatch
 * (and `--compare <checkout>`'s build) as `npm run bench:http` starts them, each loaded by the same
 * closed-loop generator (autocannon, `--connections` 64, `--seconds` 5) while `perf trace -s -p <pid>`
 * counts the server's syscalls (all its threads). Prints, per case and server, CPU µs per request (/proc,
 * from an untraced run of the same length just before) and syscalls per request by name. perf trace reads kernel tracepoints, so counting barely slows the
 * server (strace's ptrace stops on every syscall would, and would change how many requests each
 * epoll_wait wake-up finds). Needs root or perf_event_paranoid ≤ 1, and `perf` on the PATH.
 *
 *   npx tsx bench/http-syscalls.ts [--cases head_object_v4,…] [--compare DIR] [--seconds 5] [--record DIR]
 *     [--node-arg FLAG]… [--cpu-only [--rounds 3]] [--before-first]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, load, record, seedAndPresign, v4Case } from './http-cases.js';
import { startBare, startOssbatch, type Target } from './http-targets.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

/** `perf trace -s` summary lines: `   read   12345   0   1.234 …` → { read: 12345 }, summed over threads. */
function parseSummary(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^\s+([a-z_0-9]+)\s+(\d+)\s+\d+\s+[\d.]+/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined) counts.set(m[1], (counts.get(m[1]) ?? 0) + Number(m[2]));
  }
  return counts;
}

async function traced(
  t: Target,
  run: () => Promise<number>,
  recordTo: string | undefined,
): Promise<{ requests: number; cpuUs: number; calls: Map<string, number> }> {
  const how =
    recordTo === undefined
      ? ['trace', '-s', '-p', String(t.pid)]
      : ['record', '-e', 'cpu-clock', '-g', '-o', recordTo, '-p', String(t.pid)];
  const perf = spawn('perf', how, { stdio: ['ignore', 'ignore', 'pipe'] });
  let out = '';
  perf.stderr.on('data', (c: Buffer) => (out += c.toString()));
  await new Promise((r) => setTimeout(r, 1000)); // perf attaches
  const cpuBefore = t.cpuMs() ?? 0;
  const requests = await run();
  const cpuAfter = t.cpuMs() ?? 0;
  const exited = new Promise((r) => perf.once('exit', r));
  perf.kill('SIGINT');
  await exited;
  return { requests, cpuUs: ((cpuAfter - cpuBefore) * 1000) / requests, calls: parseSummary(out) };
}

async function main(): Promise<void> {
  const seconds = Number(arg('seconds', '5'));
  const connections = Number(arg('connections', '64'));
  const compare = arg('compare', '');
  const only = arg('cases', '')
    .split(',')
    .filter((n) => n !== '');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-bench-syscalls-'));
  const targets: Target[] = [];
  try {
    const repo = path.resolve(import.meta.dirname, '..');
    // --record DIR: a CPU-time profile (perf record -e cpu-clock -g) of each ossbatch run instead of the
    // syscall count, JS frames named through node --perf-basic-prof (`perf report -i DIR/<case>.<server>`).
    const recordDir = arg('record', '');
    // --node-arg X (repeatable): extra flags for every server's node (e.g. --trace-gc).
    const extra = process.argv.flatMap((a, i) => (a === '--node-arg' ? [process.argv[i + 1] ?? ''] : []));
    const nodeArgs = recordDir === '' ? extra : [...extra, '--perf-basic-prof'];
    const ours = await startOssbatch('ossbatch', repo, path.join(tmp, 'ours'), ROOT, nodeArgs);
    targets.push(ours);
    if (compare !== '') {
      const before = await startOssbatch(
        'before',
        path.resolve(compare),
        path.join(tmp, 'before'),
        ROOT,
        nodeArgs,
      );
      // --before-first: the compared build measured first in every round (to rule out an order effect).
      if (process.argv.includes('--before-first')) targets.unshift(before);
      else targets.push(before);
      await seedAndPresign(before.port);
    }
    const cases = [
      await seedAndPresign(ours.port),
      v4Case('head_object_v4', 'HEAD', {}),
      v4Case('get_object_tagging_v4', 'GET', { tagging: '' }),
    ].filter((c) => only.length === 0 || only.includes(c.name));
    fs.writeFileSync(
      path.join(tmp, 'responses.json'),
      JSON.stringify(await Promise.all(cases.map((c) => record(ours.port, c)))),
    );
    targets.unshift(await startBare(path.join(tmp, 'responses.json'), nodeArgs));
    const lines = [`bench/http-syscalls: ${connections} connections, ${seconds} s, load ${os.loadavg()[0]}`];
    // --cpu-only: CPU per request alone, `--rounds` times, the servers alternating within each round (the
    // way to compare builds on a machine shared with other work: look at the spread, not one figure).
    const cpuOnly = process.argv.includes('--cpu-only');
    const rounds = Number(arg('rounds', cpuOnly ? '3' : '1'));
    const cpuRuns = new Map<string, number[]>();
    for (let round = 0; round < rounds; round++) {
      for (const c of cases) {
        for (const t of targets) {
          const spec = {
            url: `http://127.0.0.1:${t.port}${c.path}`,
            method: c.method,
            headers: c.headers(),
            connections,
          };
          await load({ ...spec, seconds: 1 }); // warm-up
          // CPU per request untraced first: tracing adds its own cost to every syscall.
          const cpuBefore = t.cpuMs() ?? 0;
          const untraced = await load({ ...spec, seconds });
          const cpuUs = (((t.cpuMs() ?? 0) - cpuBefore) * 1000) / untraced.requests;
          const runs = cpuRuns.get(`${c.name} ${t.name}`) ?? [];
          cpuRuns.set(`${c.name} ${t.name}`, [...runs, Math.round(cpuUs)]);
          if (cpuOnly) continue;
          const recordTo = recordDir === '' ? undefined : path.resolve(recordDir, `${c.name}.${t.name}`);
          if (recordTo !== undefined) fs.mkdirSync(path.dirname(recordTo), { recursive: true });
          const r = await traced(t, async () => (await load({ ...spec, seconds })).requests, recordTo);
          const per = [...r.calls]
            .map(([name, n]) => [name, n / r.requests] as const)
            .filter(([, n]) => n >= 0.005)
            .sort((a, b) => b[1] - a[1]);
          const total = per.reduce((sum, [, n]) => sum + n, 0);
          lines.push(
            `${c.name.padEnd(22)} ${t.name.padEnd(9)} ${String(untraced.requests).padStart(7)} req  cpu ${cpuUs.toFixed(0)} µs/req (traced ${r.cpuUs.toFixed(0)})  ` +
              `syscalls/req ${total.toFixed(2)}: ${per.map(([n, v]) => `${n} ${v.toFixed(2)}`).join(', ')}`,
          );
        }
      }
    }
    if (cpuOnly) {
      for (const [key, runs] of cpuRuns) {
        const sorted = [...runs].sort((a, b) => a - b);
        const median = sorted[Math.floor(sorted.length / 2)];
        lines.push(`${key.padEnd(32)} cpu µs/req median ${median}  runs ${runs.join(' ')}`);
      }
    }
    lines.push(`load ${os.loadavg()[0]} at the end`);
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    for (const t of targets) await t.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
