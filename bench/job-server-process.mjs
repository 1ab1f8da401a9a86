/**
 * The jobs bench's server, as `npm start` runs it: plain `node` (no tsx loader, ~26 MB of RSS) on the
 * compiled dist/ code, in a process of its own, so that its RSS, CPU and event loop are the server's alone
 * (the bench process seeds the objects and builds the manifest before this starts: that garbage and those
 * arrays are not counted here). Forked by bench/job-server-fork.ts with no node flags but `--node-flags`
 * (never tsx's loader); plain JavaScript so that nothing but node itself loads it. It applies the V8 flags
 * of bin/v8-flags.js of the tree it runs, as bin/ossbatch.js does.
 *
 *   argv[2]  the raw config (JSON) given to dist/config.js buildConfig
 *   argv[3]  the dist directory to run (default: this tree's dist/; `--dist` in bench/jobs.ts)
 *
 * IPC, parent → child: `{ kind: 'watch', jobId, measure, pollMs?, splitCpu?, profileFile?, heapProfileFile?, promotedOnly? }`
 * (follow one job),
 * `{ kind: 'memory', id }`, `{ kind: 'close' }`. Child → parent: `{ kind: 'ready', port, root }`,
 * `{ kind: 'status', jobId, status, at }` (the engine's `job-status` event, `at` in epoch ms with
 * sub-millisecond precision: performance.timeOrigin + performance.now()), `{ kind: 'tick', jobId, status,
 * done }` (every pollMs, default 20), `{ kind: 'end', jobId, job, peak, cpu?, mainCpuNs?, storeCpuUs?, loopDelay?, wal? }`, `{ kind: 'memory', id, usage, cpu }`.
 */
import { Buffer } from 'node:buffer';
import fs from 'node:fs';
import path from 'node:path';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const raw = JSON.parse(process.argv[2] ?? '{}');
const distDir = path.resolve(process.argv[3] ?? path.join(import.meta.dirname, '..', 'dist'));
const load = (file) => import(pathToFileURL(path.join(distDir, file)).href);
// The V8 settings bin/ossbatch.js applies, from the same tree as the dist/ run (a build without them: none).
const v8Flags = path.join(distDir, '..', 'bin', 'v8-flags.js');
if (fs.existsSync(v8Flags)) (await import(pathToFileURL(v8Flags).href)).applyV8Flags();
const [{ buildConfig }, { startServer }, { loopDelayMs }] = await Promise.all([
  load('config.js'),
  load('server.js'),
  load('http/event-loop-delay.js'),
]);

const server = await startServer(buildConfig(raw));
const now = () => performance.timeOrigin + performance.now();
const send = (m) => process.send?.(m);
const TERMINAL = new Set(['Complete', 'Cancelled', 'Failed']);

/**
 * CPU time of the event loop's thread alone, ns (Linux /proc schedstat, read through one open descriptor:
 * one getrusage and one pread, ~2 µs; undefined elsewhere). The whole-process figure also counts V8's GC and compiler
 * threads and libuv's pool. The engine's rate is bounded by this thread (the store write runs on it).
 */
const schedstat = (() => {
  try {
    return fs.openSync(`/proc/self/task/${process.pid}/schedstat`, 'r');
  } catch {
    return undefined;
  }
})();
const schedBuf = Buffer.alloc(64);
function mainThreadCpuNs() {
  if (schedstat === undefined) return undefined;
  // schedstat shows the runtime as of the thread's last scheduler update (a tick: 4 ms at HZ=250); a
  // getrusage(RUSAGE_SELF) first brings the calling thread's up to date (the kernel's thread_group_cputime).
  process.cpuUsage();
  const n = fs.readSync(schedstat, schedBuf, 0, schedBuf.length, 0);
  let ns = 0;
  for (let i = 0; i < n; i++) {
    const c = schedBuf[i];
    if (c < 0x30 || c > 0x39) break;
    ns = ns * 10 + (c - 0x30);
  }
  return ns;
}

/**
 * The loop thread's CPU time inside the store's applyBatch while a measured job is Active: the store write
 * S of docs/performance.md, the same call the baseline times (the built-in store writes synchronously
 * within the call). The loop thread's time less this is E, what a task costs besides the write. Two
 * reads per batch of 500 tasks: 0.06 µs per task in a profile (--cpu-prof-execute), so only with
 * --split-cpu. Thread time, not getrusage: V8's compiler and GC threads running meanwhile would otherwise
 * count as S.
 */
const storeMeter = { on: false, ns: 0 };
const storeApplyBatch = server.store.applyBatch.bind(server.store);
server.store.applyBatch = (changes) => {
  if (!storeMeter.on) return storeApplyBatch(changes);
  const before = mainThreadCpuNs();
  try {
    return storeApplyBatch(changes);
  } finally {
    storeMeter.ns += mainThreadCpuNs() - before;
  }
};

/**
 * A V8 CPU profile of the execute phase only (node:inspector on the server's thread; `--cpu-prof` would
 * cover start-up and the idle control too), for Chrome DevTools or bench/profile-summary.ts. 200 µs
 * sampling: fine enough for a per-task cost of a few µs over a phase of seconds.
 */
async function startProfile(file) {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    fs.writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}

/**
 * A sampling heap profile of the execute phase counting every allocation, also what the next scavenge frees
 * (where the bytes per task come from, not what survives): a `.heapprofile` that bench/heap-summary.ts reads.
 */
async function startHeapProfile(file, promotedOnly) {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    // Without what scavenges free: only what was promoted (or still lives), i.e. what grows the old space.
    includeObjectsCollectedByMinorGC: !promotedOnly,
  });
  return async () => {
    const { profile } = await session.post('HeapProfiler.stopSampling');
    fs.writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}

/**
 * The built-in store's WAL histograms (src/db/sqlite/wal-metrics.ts) now, as cumulative bucket counts and
 * sums per series: read at Active and at the next status, their difference is the execute phase's.
 * Undefined where the server has none (a build before them, or no checkpoint thread): the bench then
 * prints null, not zero pauses.
 */
async function walSnapshot() {
  const metrics = ['ossbatch_wal_checkpoint_seconds', 'ossbatch_wal_pause_seconds']
    .map((name) => server.registry.getSingleMetric(name))
    .filter((metric) => metric !== undefined);
  if (metrics.length === 0) return undefined;
  const snap = new Map();
  for (const metric of metrics) {
    for (const v of (await metric.get()).values) {
      const key = `${v.metricName}|${v.labels.outcome ?? ''}|${v.labels.le ?? ''}`;
      snap.set(key, v.value);
    }
  }
  return snap;
}

/** WalTotals (bench/job-server-fork.ts) between two snapshots. */
function walTotals(from, to) {
  const delta = (name, outcome = '', le = '') => {
    const key = `${name}|${outcome}|${le}`;
    return (to.get(key) ?? 0) - (from.get(key) ?? 0);
  };
  // The longest fell in the first bucket whose cumulative count holds them all.
  const longestLe = (name, outcomes) => {
    const count = outcomes.reduce((n, o) => n + delta(`${name}_count`, o), 0);
    if (count === 0) return null;
    const bound = (le) => (le === '+Inf' ? Infinity : Number(le));
    const les = [...to.keys()]
      .filter((k) => k.startsWith(`${name}_bucket|`))
      .map((k) => k.split('|')[2])
      .filter((le, i, all) => all.indexOf(le) === i)
      .sort((a, b) => bound(a) - bound(b));
    const le = les.find((b) => outcomes.reduce((n, o) => n + delta(`${name}_bucket`, o, b), 0) >= count);
    return le === undefined || le === '+Inf' ? '+Inf' : bound(le) * 1000;
  };
  const ckpt = 'ossbatch_wal_checkpoint_seconds';
  const pause = 'ossbatch_wal_pause_seconds';
  const both = ['copied', 'gave-up'];
  const ms = (x) => Number((x * 1000).toFixed(1));
  return {
    checkpoints: delta(`${ckpt}_count`),
    checkpointMs: ms(delta(`${ckpt}_sum`)),
    checkpointLongestLeMs: longestLe(ckpt, ['']),
    pauses: delta(`${pause}_count`, 'copied') + delta(`${pause}_count`, 'gave-up'),
    pausesGaveUp: delta(`${pause}_count`, 'gave-up'),
    pauseMs: ms(delta(`${pause}_sum`, 'copied') + delta(`${pause}_sum`, 'gave-up')),
    pauseLongestLeMs: longestLe(pause, both),
  };
}

/**
 * Follows one job: each status change at the instant the engine makes it (its `job-status` event), the
 * process's RSS peak (peakTracker) and a poll of the job row every `pollMs` (a transition another path
 * makes, e.g. Cancelled by the API, has no engine event; the counters for `tick`). With `measure`: CPU time
 * of the whole process, the event-loop delay and (with a file) a CPU profile, from Active to the next status.
 *
 * What the follower itself costs the measured server counts against the engine, so it is kept small: in a
 * 300k-task execute profile (--cpu-prof-execute, bench/profile-summary.ts inclusive) the former 5 ms RSS
 * sampler and 20 ms poll took 0.21 and 0.27 µs per task, 3.7% of the loop thread. The poll runs every 20
 * ms only where the parent wants ticks (the cancel run) and every 250 ms otherwise; a terminal engine event
 * ends the wait at once.
 */
async function watch({ jobId, measure, splitCpu, profileFile, heapProfileFile, promotedOnly, pollMs = 20 }) {
  const seen = new Set();
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  let cpuAtActive;
  let cpu;
  let mainAtActive;
  let mainCpuNs;
  let storeCpuUs;
  let profile;
  let profileWritten;
  let walAtActive;
  let walAtEnd;
  const mark = (status) => {
    if (seen.has(status)) return;
    seen.add(status);
    const at = now();
    if (measure && status === 'Active') {
      cpuAtActive = process.cpuUsage();
      mainAtActive = mainThreadCpuNs();
      storeMeter.ns = 0;
      storeMeter.on = splitCpu === true;
      walAtActive = walSnapshot();
      loopDelay.enable();
      if (profileFile) profile = startProfile(profileFile);
      else if (heapProfileFile) profile = startHeapProfile(heapProfileFile, promotedOnly === true);
    } else if (measure && cpuAtActive !== undefined && cpu === undefined) {
      cpu = process.cpuUsage(cpuAtActive);
      const mainNow = mainThreadCpuNs();
      if (mainAtActive !== undefined && mainNow !== undefined) mainCpuNs = mainNow - mainAtActive;
      if (storeMeter.on) storeCpuUs = storeMeter.ns / 1000;
      storeMeter.on = false;
      walAtEnd = walSnapshot();
      loopDelay.disable();
      profileWritten = profile?.then((stop) => stop());
    }
    send({ kind: 'status', jobId, status, at });
  };
  let wake;
  const off = server.engine.events.on('job-status', (e) => {
    if (e.jobId !== jobId) return;
    mark(e.to);
    if (TERMINAL.has(e.to)) wake?.();
  });
  const peakRss = peakTracker();
  try {
    for (;;) {
      const job = await server.backend.jobs.getJobById(jobId);
      if (!job) throw new Error('job vanished');
      mark(job.status);
      send({ kind: 'tick', jobId, status: job.status, done: job.succeededTasks + job.failedTasks });
      if (TERMINAL.has(job.status)) {
        await profileWritten;
        const [walFrom, walTo] = [await walAtActive, await walAtEnd];
        const wal = walFrom && walTo ? walTotals(walFrom, walTo) : undefined;
        const ms = (d) => Number(loopDelayMs(d, 10).toFixed(1));
        send({
          kind: 'end',
          jobId,
          job: { status: job.status, succeededTasks: job.succeededTasks, failedTasks: job.failedTasks },
          peak: peakRss.peak(),
          ...(cpu ? { cpu } : {}),
          ...(mainCpuNs !== undefined ? { mainCpuNs } : {}),
          ...(storeCpuUs !== undefined ? { storeCpuUs } : {}),
          ...(measure ? { loopDelay: { p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) } } : {}),
          ...(wal ? { wal } : {}),
        });
        return;
      }
      await new Promise((resolve) => {
        wake = resolve;
        setTimeout(resolve, pollMs);
      });
    }
  } finally {
    off();
    peakRss.stop();
  }
}

/**
 * The process's RSS peak from now on, with memoryUsage()'s breakdown at the highest sample. On Linux the
 * peak is the kernel's own high-water mark (VmHWM in /proc/self/status, reset to the current RSS by writing
 * 5 to /proc/self/clear_refs): exact, and free for the measured server. The breakdown is sampled every 50
 * ms (memoryUsage() walks V8's heap spaces). Where the reset is refused, the peak is the highest sample of
 * rss() every 5 ms, as before (rss() under load: up to tens of µs per call in a profile).
 */
function peakTracker() {
  const kernelPeak = resetKernelPeak();
  let top = process.memoryUsage();
  const sampler = kernelPeak
    ? setInterval(() => {
        const m = process.memoryUsage();
        if (m.rss > top.rss) top = m;
      }, 50)
    : setInterval(() => {
        if (process.memoryUsage.rss() > top.rss) top = process.memoryUsage();
      }, 5);
  return {
    peak: () => {
      const hwm = kernelPeak?.();
      return hwm !== undefined && hwm > top.rss ? { ...top, rss: hwm } : top;
    },
    stop: () => clearInterval(sampler),
  };
}

/** Resets the kernel's RSS high-water mark; answers a reader of it in bytes, or undefined where there is none. */
function resetKernelPeak() {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
    const readHwm = () => {
      const m = /^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
      return m ? Number(m[1]) * 1024 : undefined;
    };
    return readHwm() === undefined ? undefined : readHwm;
  } catch {
    return undefined;
  }
}

process.on('message', (m) => {
  if (m.kind === 'watch') watch(m).catch((e) => send({ kind: 'error', jobId: m.jobId, error: String(e) }));
  else if (m.kind === 'memory')
    send({ kind: 'memory', id: m.id, usage: process.memoryUsage(), cpu: process.cpuUsage() });
  else if (m.kind === 'close')
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
});
send({ kind: 'ready', port: server.port, root: server.root });
