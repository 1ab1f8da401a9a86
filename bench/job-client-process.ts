/**
 * The jobs bench's client in a process of its own (forked by bench/jobs.ts), so that the measured
 * process is the server alone: ali-oss's signing and XML parsing, the DescribeJob poller and the client
 * module's memory (~15 MB) no longer count in the server's CPU per task, event loop or RSS, and DescribeJob
 * latency is what a user sees over a real socket. Like bench:http's load generator (issue 10's design).
 *
 * Protocol (IPC messages): the parent sends `{ id, kind: 'call', call }` (one job API call, answered with
 * `{ id, body }`), `{ id, kind: 'describe', jobId, phase, count? }` (DescribeJob every DESCRIBE_EVERY_MS until
 * `count` samples or `{ kind: 'stop' }`, answered with `{ id, samples }`), or `{ kind: 'exit' }`.
 */
import { clientTiming, type DescribePhase } from './describe-client-timeline.js';
import { jobCall, makeJobClient, type JobCall } from './job-client.js';

/** A dashboard polling, not a flood that would steal the job's CPU. */
const DESCRIBE_EVERY_MS = 10;

export type ClientRequest =
  | { id: number; kind: 'call'; call: JobCall }
  | { id: number; kind: 'describe'; jobId: string; phase: DescribePhase; count?: number }
  | { kind: 'stop' }
  | { kind: 'exit' };
export type ClientReply = { id: number; body?: string; samples?: number[]; error?: string };

const [port, accessKeyId, secret] = process.argv.slice(2);
const client = makeJobClient(Number(port), { accessKeyId: accessKeyId ?? '', secret: secret ?? '' });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
let stopping = false;
/** Set with the server's describe-timing preload: each DescribeJob's client-side parts. */
const timing = clientTiming(process.env.OSSBATCH_DESCRIBE_TIMING_OUT);

async function describeLoop(jobId: string, phase: DescribePhase, count: number): Promise<number[]> {
  const samples: number[] = [];
  while (!stopping && samples.length < count) {
    const end = timing?.begin(phase);
    const t = performance.now();
    await jobCall(client, { api: 'DescribeJob', jobId });
    const took = performance.now() - t;
    samples.push(took);
    end?.(took);
    await sleep(Math.max(0, DESCRIBE_EVERY_MS - took));
  }
  await timing?.flush();
  return samples;
}

async function handle(m: ClientRequest): Promise<ClientReply | undefined> {
  switch (m.kind) {
    case 'call':
      return { id: m.id, body: await jobCall(client, m.call) };
    case 'describe':
      stopping = false;
      return { id: m.id, samples: await describeLoop(m.jobId, m.phase, m.count ?? Infinity) };
    case 'stop':
      stopping = true;
      return undefined;
    case 'exit':
      process.exit(0);
      return undefined;
  }
}

process.on('message', (m: ClientRequest) => {
  handle(m).then(
    (reply) => reply && process.send?.(reply),
    (e: unknown) => 'id' in m && process.send?.({ id: m.id, error: String(e) }),
  );
});
