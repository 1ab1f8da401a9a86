import { spawn } from 'node:child_process';
import path from 'node:path';

/** A bench helper process that serves on a port: its port, pid (for CPU figures) and a stop. */
export interface BenchChild {
  /** The first port it printed. */
  readonly port: number;
  /** Every port it printed (`listening <port> [<port>…]`). */
  readonly ports: number[];
  readonly pid: number;
  close(): Promise<void>;
}

/**
 * Runs `bench/<script>` (TypeScript, through tsx) as its own process and resolves once it prints
 * `listening <port> [<port>…]`. The cluster bench runs the store and the latency proxy this way so that each has its
 * own event loop and its own CPU figure.
 */
export async function spawnBenchChild(
  script: string,
  args: string[],
  nodeFlags: string[] = [],
): Promise<BenchChild> {
  const file = path.join(import.meta.dirname, script);
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', file, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const ports = await new Promise<number[]>((resolve, reject) => {
    let out = '';
    child.on('exit', (code) => reject(new Error(`${script} exited ${code} before listening`)));
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening ([\d ]+)\n/.exec(out);
      if (m?.[1] !== undefined) resolve(m[1].trim().split(' ').map(Number));
    });
  });
  return {
    port: ports[0] as number,
    ports,
    pid: child.pid as number,
    close: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
