/**
 * The parent side of bench/job-server-process.mjs: starts the server as plain `node` on dist/ (no tsx: the
 * fork gets `execArgv: []` instead of this process's loader flags) and follows jobs through its IPC reports.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { JobStatus } from '../src/jobs/model.js';

/** `process.memoryUsage()` of the server process. */
export type Memory = NodeJS.MemoryUsage;

export interface JobEnd {
  job: { status: JobStatus; succeededTasks: number; failedTasks: number };
  /**
   * The server's RSS peak while the job was followed (Linux: the kernel's high-water mark), with
   * memoryUsage()'s breakdown at the highest sample.
   */
  peak: Memory;
  /** With `measure`: the server's CPU time (all threads) from Active to the next status. */
  cpu?: NodeJS.CpuUsage;
  /** With `measure`, on Linux: the event loop's thread's CPU time alone over the same span, ns. */
  mainCpuNs?: number;
  /** With `measure`: CPU µs spent inside the store's applyBatch over the same span (the store write S). */
  storeCpuUs?: number;
  /** With `measure`: event-loop delay while Active, ms (10 ms resolution, the interval subtracted). */
  loopDelay?: { p99: number; max: number };
  /** With `measure`: the built-in store's WAL checkpoints and pauses over the same span (WalTotals). */
  wal?: WalTotals;
}

/**
 * Deltas of the server's `ossbatch_wal_checkpoint_seconds` and `ossbatch_wal_pause_seconds` histograms
 * (src/db/sqlite/wal-metrics.ts): counts, total ms, and the upper bound of the bucket holding the longest
 * (null when there was none; '+Inf' past the last bucket).
 */
export interface WalTotals {
  checkpoints: number;
  checkpointMs: number;
  checkpointLongestLeMs: number | '+Inf' | null;
  pauses: number;
  pausesGaveUp: number;
  pauseMs: number;
  pauseLongestLeMs: number | '+Inf' | null;
}

export interface WatchHooks {
  /** At each status change (epoch ms, sub-millisecond: performance.timeOrigin + performance.now()). */
  onStatus?: (status: JobStatus, at: number) => void;
  /** Every counter poll (20 ms; without this hook the server polls every 250 ms). */
  onTick?: (status: JobStatus, done: number) => Promise<void>;
}

export interface ServerProcess {
  readonly port: number;
  readonly root: { accountId: string; accessKeyId: string; secret: string };
  readonly pid: number;
  /** Follows one job to a terminal status; `measure` adds CPU, loop delay and `profileFile` a CPU profile. */
  watch(
    jobId: string,
    opts: {
      measure?: boolean;
      /** Meter the store's applyBatch (S) apart from the rest of the loop thread's CPU. */
      splitCpu?: boolean;
      profileFile?: string;
      heapProfileFile?: string;
      promotedOnly?: boolean;
    } & WatchHooks,
  ): Promise<JobEnd & { at: Map<JobStatus, number> }>;
  /** The server's memoryUsage() and cpuUsage() now. */
  memory(): Promise<{ usage: Memory; cpu: NodeJS.CpuUsage }>;
  close(): Promise<void>;
}

/** The same clock as the child's `at`: epoch ms with sub-millisecond precision. */
export const epochNow = (): number => performance.timeOrigin + performance.now();

type Message =
  | { kind: 'ready'; port: number; root: ServerProcess['root'] }
  | { kind: 'status'; jobId: string; status: JobStatus; at: number }
  | { kind: 'tick'; jobId: string; status: JobStatus; done: number }
  | ({ kind: 'end'; jobId: string } & JobEnd)
  | { kind: 'error'; jobId: string; error: string }
  | { kind: 'memory'; id: number; usage: Memory; cpu: NodeJS.CpuUsage }
  /** Not sent by the child: the parent's own notice that it exited (every pending call fails). */
  | { kind: 'exited'; code: number | null };

export async function forkServer(
  rawConfig: Record<string, unknown>,
  distDir?: string,
  nodeFlags: string[] = [],
): Promise<ServerProcess> {
  const args = [JSON.stringify(rawConfig), ...(distDir ? [distDir] : [])];
  const child: ChildProcess = fork(new URL('./job-server-process.mjs', import.meta.url), args, {
    execArgv: nodeFlags,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const listeners = new Set<(m: Message) => void>();
  child.on('message', (m: Message) => {
    for (const l of listeners) l(m);
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      for (const l of [...listeners]) l({ kind: 'exited', code });
      resolve(code);
    }),
  );
  const ready = await new Promise<Extract<Message, { kind: 'ready' }>>((resolve, reject) => {
    const l = (m: Message): void => {
      if (m.kind === 'ready') resolve(m);
    };
    listeners.add(l);
    void exited.then((code) => reject(new Error(`server process exited (${code}) before it was ready`)));
  });
  let nextId = 1;
  return {
    port: ready.port,
    root: ready.root,
    pid: child.pid as number,
    watch: (jobId, opts) =>
      new Promise((resolve, reject) => {
        const at = new Map<JobStatus, number>();
        const l = (m: Message): void => {
          if (m.kind === 'exited') return reject(new Error(`server process exited (${m.code})`));
          if (!('jobId' in m) || m.jobId !== jobId) return;
          if (m.kind === 'status') {
            at.set(m.status, m.at);
            opts.onStatus?.(m.status, m.at);
          } else if (m.kind === 'tick') {
            opts.onTick?.(m.status, m.done).catch(reject);
          } else if (m.kind === 'end') {
            listeners.delete(l);
            resolve({
              job: m.job,
              peak: m.peak,
              cpu: m.cpu,
              mainCpuNs: m.mainCpuNs,
              storeCpuUs: m.storeCpuUs,
              loopDelay: m.loopDelay,
              wal: m.wal,
              at,
            });
          } else if (m.kind === 'error') {
            listeners.delete(l);
            reject(new Error(m.error));
          }
        };
        listeners.add(l);
        const {
          measure = false,
          splitCpu = false,
          profileFile,
          heapProfileFile,
          promotedOnly = false,
        } = opts;
        child.send({
          kind: 'watch',
          jobId,
          measure,
          // Ticks every 20 ms only for a caller that acts on them: the poll runs in the measured server.
          pollMs: opts.onTick ? 20 : 250,
          splitCpu,
          ...(profileFile ? { profileFile } : {}),
          ...(heapProfileFile ? { heapProfileFile, promotedOnly } : {}),
        });
      }),
    memory: () =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        const l = (m: Message): void => {
          if (m.kind === 'exited') return reject(new Error(`server process exited (${m.code})`));
          if (m.kind === 'memory' && m.id === id) {
            listeners.delete(l);
            resolve({ usage: m.usage, cpu: m.cpu });
          }
        };
        listeners.add(l);
        child.send({ kind: 'memory', id });
      }),
    close: async () => {
      if (child.exitCode === null) child.send({ kind: 'close' });
      await exited;
    },
  };
}
