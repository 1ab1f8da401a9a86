/**
 * The parent side of bench/job-client-process.ts: forks the client process and sends it calls.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { DescribePhase } from './describe-client-timeline.js';
import type { ClientReply, ClientRequest } from './job-client-process.js';
import type { JobCall } from './job-client.js';

export interface ForkedJobClient {
  call(call: JobCall): Promise<string>;
  /**
   * DescribeJob every 10 ms until `count` samples or stopDescribe(); resolves with the latencies (ms).
   * `phase` labels the calls in the client's timeline (bench/describe-client-timeline.ts).
   */
  describe(jobId: string, phase: DescribePhase, count?: number): Promise<number[]>;
  stopDescribe(): void;
  close(): Promise<void>;
}

type Pending = { resolve: (r: ClientReply) => void; reject: (e: Error) => void };

export function forkJobClient(port: number, creds: { accessKeyId: string; secret: string }): ForkedJobClient {
  // Inherits the parent's execArgv (tsx's loader), so the child runs the TypeScript source as the parent does.
  const child: ChildProcess = fork(new URL('./job-client-process.ts', import.meta.url), [
    String(port),
    creds.accessKeyId,
    creds.secret,
  ]);
  const pending = new Map<number, Pending>();
  let next = 1;
  child.on('message', (r: ClientReply) => {
    const p = pending.get(r.id);
    pending.delete(r.id);
    if (r.error !== undefined) p?.reject(new Error(r.error));
    else p?.resolve(r);
  });
  child.on('exit', (code) => {
    for (const p of pending.values()) p.reject(new Error(`job client exited (${code})`));
    pending.clear();
  });
  const request = (m: ClientRequest & { id: number }): Promise<ClientReply> =>
    new Promise((resolve, reject) => {
      pending.set(m.id, { resolve, reject });
      child.send(m);
    });
  return {
    call: async (call) => (await request({ id: next++, kind: 'call', call })).body ?? '',
    describe: async (jobId, phase, count) =>
      (await request({ id: next++, kind: 'describe', jobId, phase, count })).samples ?? [],
    stopDescribe: () => void child.send({ kind: 'stop' }),
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send({ kind: 'exit' });
      }),
  };
}
