/**
 * The servers `npm run bench:http` drives, each its own process: ossbatch (`bin/ossbatch.js server` of a
 * checkout, built-in store, request log at `info`) and the bare Node baseline (bench/http-bare-server.ts).
 */
import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Readable } from 'node:stream';

export interface Target {
  readonly name: string;
  readonly port: number;
  readonly pid: number;
  /** Request log lines (`"msg":"request"`) the server wrote to stdout so far (ossbatch only). */
  logLines(): number;
  /** CPU time (user + system) the process used so far, in ms; undefined where /proc is missing. */
  cpuMs(): number | undefined;
  stop(): Promise<void>;
}

/** Resolves with the child's first stdout line matching `pattern` (its group 1), or rejects when it exits. */
function awaitLine(child: ChildProcess, pattern: RegExp, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString();
      const m = pattern.exec(seen);
      if (m?.[1] === undefined) return;
      child.stdout?.off('data', onData);
      resolve(m[1]);
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code} before listening: ${seen}`)));
  });
}

/** utime + stime of a process from /proc/<pid>/stat, in ms (USER_HZ is 100 on Linux). */
function procCpuMs(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
}

/** An ossbatch server from `checkout`'s bin/ossbatch.js on a free port, as `npm start` runs it, log at info. */
export function spawnOssbatch(
  checkout: string,
  dataDir: string,
  root: { accessKeyId: string; secret: string },
  nodeArgs: readonly string[] = [],
): ChildProcessByStdio<null, Readable, null> {
  return spawn(
    process.execPath,
    [
      ...nodeArgs,
      path.join(checkout, 'bin/ossbatch.js'),
      'server',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--log-level',
      'info',
    ],
    {
      cwd: checkout,
      env: {
        ...process.env,
        OSSBATCH_ROOT_ACCESS_KEY_ID: root.accessKeyId,
        OSSBATCH_ROOT_ACCESS_KEY_SECRET: root.secret,
        OSSBATCH_DB: '',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
}

export async function startOssbatch(
  name: string,
  checkout: string,
  dataDir: string,
  root: { accessKeyId: string; secret: string },
  nodeArgs: readonly string[] = [],
): Promise<Target> {
  const child = spawnOssbatch(checkout, dataDir, root, nodeArgs);
  const port = Number(await awaitLine(child, /ossbatch listening on http:\/\/[^:]+:(\d+)/, name));
  // The request log is read as a log shipper would (a pipe drained as it fills), and counted: proof
  // that the measured server really wrote one line per request.
  let lines = 0;
  child.stdout?.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    for (let i = text.indexOf('"msg":"request"'); i >= 0; i = text.indexOf('"msg":"request"', i + 1))
      lines += 1;
  });
  const pid = child.pid ?? 0;
  return { name, port, pid, logLines: () => lines, cpuMs: () => procCpuMs(pid), stop: stopper(child) };
}

export async function startBare(responsesFile: string, nodeArgs: readonly string[] = []): Promise<Target> {
  const script = path.join(import.meta.dirname, 'http-bare-server.ts');
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script, responsesFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = Number(await awaitLine(child, /listening (\d+)/, 'bare server'));
  const pid = child.pid ?? 0;
  return { name: 'bare', port, pid, logLines: () => 0, cpuMs: () => procCpuMs(pid), stop: stopper(child) };
}

/**
 * `ossbatch_event_loop_delay_seconds{quantile="0.99"}` in ms, or undefined when the server has no such
 * metric (a build before it existed). Scraping resets the server's window: call before and after a run.
 */
export function scrapeLoopDelayP99(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    http
      .get({ host: '127.0.0.1', port, path: '/-/metrics' }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => {
          const m = /^ossbatch_event_loop_delay_seconds\{quantile="0\.99"\} (\S+)$/m.exec(body);
          resolve(m?.[1] === undefined ? undefined : Number(m[1]) * 1000);
        });
      })
      .on('error', () => resolve(undefined));
  });
}
