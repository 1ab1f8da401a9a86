/**
 * One ossbatch server loaded with one `bench:http` case, for the single-case benches (bench/http-gc.ts,
 * bench/http-heap.ts): spawned with extra node flags, its stdout collected, the case seeded.
 */
import type { ChildProcess } from 'node:child_process';
import { ROOT, seedAndPresign, v4Case, type Case } from './http-cases.js';
import type { LoadSpec } from './http-load.js';
import { spawnOssbatch } from './http-targets.js';

export interface OneCaseServer {
  readonly child: ChildProcess;
  readonly port: number;
  /** Everything the server has printed so far. */
  readonly output: () => string;
  /** The case at `connections`, for `seconds`, as bench:http loads it. */
  readonly spec: (seconds: number) => LoadSpec;
}

export async function startOneCase(opts: {
  checkout: string;
  dataDir: string;
  nodeArgs: readonly string[];
  which: string;
  connections: number;
}): Promise<OneCaseServer> {
  const child = spawnOssbatch(opts.checkout, opts.dataDir, ROOT, [...opts.nodeArgs]);
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  const listening = /listening on http:\/\/[^:]+:(\d+)/;
  while (!listening.test(out)) await new Promise((r) => setTimeout(r, 50));
  const port = Number(listening.exec(out)?.[1]);
  const cases: Record<string, Case> = {
    presigned_get: await seedAndPresign(port),
    head_object_v4: v4Case('head_object_v4', 'HEAD', {}),
    get_object_tagging_v4: v4Case('get_object_tagging_v4', 'GET', { tagging: '' }),
  };
  const c = cases[opts.which];
  if (c === undefined) {
    child.kill('SIGTERM');
    throw new Error(`unknown case ${opts.which}`);
  }
  return {
    child,
    port,
    output: () => out,
    spec: (seconds) => ({
      url: `http://127.0.0.1:${port}${c.path}`,
      method: c.method,
      headers: c.headers(),
      connections: opts.connections,
      seconds,
    }),
  };
}
