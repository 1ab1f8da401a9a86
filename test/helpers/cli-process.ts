/**
 * The `ossbatch` command as a real process (bin/ossbatch.js over dist/): a server that is started and
 * stopped, and one-shot commands with their exit code, stdout and stderr. Used by the tests that check what
 * a user meets at the terminal (issue 11).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const REPO = path.resolve(import.meta.dirname, '../..');
export const BIN = path.join(REPO, 'bin/ossbatch.js');

/** `npm test` builds first; build here only when a file runs alone on a fresh checkout. */
export function ensureBuilt(): void {
  if (!fs.existsSync(path.join(REPO, 'dist/cli/main.js'))) {
    spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: REPO, stdio: 'ignore' });
  }
}

/** process.env without root credentials from the developer's shell. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.OSSBATCH_ROOT_ACCESS_KEY_ID;
  delete env.OSSBATCH_ROOT_ACCESS_KEY_SECRET;
  delete env.OSSBATCH_ACCOUNT_ID;
  return { ...env, ...extra };
}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly port: number;
  stdout(): string;
  readonly exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

export function startServerProcess(args: string[], env = cleanEnv()): Promise<ServerProcess> {
  const child = spawn(process.execPath, [BIN, 'server', '--log-level', 'warn', ...args], { cwd: REPO, env });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out} ${err}`)), 30_000);
    const check = (): void => {
      const m = /ossbatch listening on (http:\/\/[^:]+:(\d+))/.exec(out);
      if (!m?.[1] || !m[2]) return;
      clearTimeout(timer);
      const stop = (): Promise<number | null> => {
        child.kill('SIGTERM');
        return exited;
      };
      resolve({ child, url: m[1], port: Number(m[2]), stdout: () => out, exited, stop });
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${err}`));
    });
  });
}

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs one command to its end (async, so a server in this same test process keeps serving). */
export function runOssbatch(
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string; uid?: number; gid?: number } = {},
): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? REPO,
    env: opts.env ?? cleanEnv(),
    // As another user (a root test run checking file permissions, which root itself ignores).
    ...(opts.uid === undefined ? {} : { uid: opts.uid, gid: opts.gid ?? opts.uid }),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin.end(opts.input ?? '');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ossbatch ${args.join(' ')} did not finish: ${stdout} ${stderr}`));
    }, 60_000);
    child.on('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
