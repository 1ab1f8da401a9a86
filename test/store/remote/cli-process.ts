import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const repo = path.resolve(import.meta.dirname, '../../..');
const bin = path.join(repo, 'bin/ossbatch.js');

/** `npm test` builds first; build here only when a file runs alone on a fresh checkout. */
export function ensureBuilt(): void {
  if (!fs.existsSync(path.join(repo, 'dist/cli/main.js'))) {
    spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: repo, stdio: 'ignore' });
  }
}

/** The environment without any ossbatch variables of the caller. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('OSSBATCH_')) delete env[k];
  return { ...env, ...extra };
}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * `ossbatch server --port 0 …` as a process; resolves once it prints its address. `nodeFlags` go to node
 * itself (the cluster bench's --cpu-prof, which NODE_OPTIONS does not accept).
 */
export function startServerProcess(
  args: string[],
  env: NodeJS.ProcessEnv,
  nodeFlags: string[] = [],
): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [...nodeFlags, bin, 'server', '--port', '0', '--log-level', 'warn', ...args],
    {
      cwd: repo,
      env,
    },
  );
  let out = '';
  let err = '';
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out} ${err}`)), 30_000);
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${err}`)));
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /ossbatch listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m?.[1] === undefined) return;
      clearTimeout(timer);
      resolve({
        child,
        port: Number(m[1]),
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

/** `ossbatch <args>` to completion. */
export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: repo,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
