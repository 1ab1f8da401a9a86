/**
 * The engine's batches and the requests of a real server (src/server.ts wires the batch gate to the HTTP
 * layer's turn, src/http/request-turn.ts): while a job runs, a request read in a loop turn is handled and
 * answered before the batch that turn grants, never after it. Without the wiring the gate's turn, queued a
 * turn earlier, runs first in the check phase, and nearly every request read while a job runs waits behind
 * a batch (~2–7 ms of 500 tasks).
 *
 * Seen through the order of events in the server's process, not through time: `read` when Node parses a
 * probe request, `written` when its response is handed to Node (res.end), `batch` when the gate grants a
 * batch (its diagnostics channel).
 */
import http from 'node:http';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchGranted } from '../../src/engine/batch-gate.js';
import { jobXml, TAG_OP } from '../engine/harness.js';
import { jobRequest, seedObjectsAndTagger, startTestServer, type TestServer } from '../helpers/server.js';

const OBJECTS = 200_000;
const PROBES = 80;

describe('requests while a job runs, through the real server', () => {
  let ts: TestServer;
  let roleArn = '';
  let jobId = '';
  const events: string[] = [];
  const onBatch = (): void => void events.push('batch');

  beforeAll(async () => {
    ts = await startTestServer();
    roleArn = await seedObjectsAndTagger(ts, OBJECTS, 'public-read');
    ts.server.httpServer.on('request', (req: http.IncomingMessage, res: ServerResponse) => {
      if (req.url?.startsWith('/src/k/') !== true) return;
      const id = req.url;
      events.push(`read ${id}`);
      const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
      res.end = ((...args: unknown[]) => {
        events.push(`written ${id}`);
        return end(...args);
      }) as ServerResponse['end'];
    });
    batchGranted.subscribe(onBatch);
  });
  afterAll(async () => {
    batchGranted.unsubscribe(onBatch);
    await ts?.close();
  });

  it('answers each request read in a turn before that turn’s batch', async () => {
    const body = jobXml({
      operation: TAG_OP,
      prefix: { bucket: 'src', prefix: 'k/' },
      roleArn,
    });
    const created = await jobRequest(ts.client(), 'CreateJob', { body });
    expect(created.status).toBe(200);
    jobId = /<JobId>([^<]+)<\/JobId>/.exec(created.xml)?.[1] ?? '';
    while (!events.includes('batch')) await new Promise((r) => setTimeout(r, 5));

    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const head = (key: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = http.request(
          { host: '127.0.0.1', port: ts.port, method: 'HEAD', path: `/src/${key}`, agent },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.end();
      });
    const first = events.length;
    for (let i = 0; i < PROBES; i++) expect(await head(`k/${String(i * 7).padStart(6, '0')}`)).toBe(200);
    agent.destroy();

    const seen = events.slice(first);
    // The job really ran during the probes (else the test would prove nothing).
    expect(seen.filter((e) => e === 'batch').length).toBeGreaterThanOrEqual(PROBES / 4);
    const behindABatch: string[] = [];
    let open: string | undefined;
    for (const e of seen) {
      if (e.startsWith('read ')) open = e.slice(5);
      else if (e.startsWith('written ')) open = undefined;
      else if (open !== undefined) behindABatch.push(open);
    }
    expect(behindABatch).toEqual([]);
  }, 60_000);

  it('shows the job’s WAL checkpoints and pauses on /-/metrics', async () => {
    // The job above: 200,000 tag updates write ~8,000-10,000 WAL frames, copied by the thread 200 or so at
    // a time. A pause comes only when the WAL reaches RESTART_WAL_AT_FRAMES (4000) without having restarted
    // by itself, i.e. when the thread falls behind (a slow disk), so its histogram need only be there here
    // (test/db/wal-checkpointer.test.ts slows the thread down and sees pauses reported).
    for (;;) {
      const job = await ts.server.backend.jobs.getJobById(jobId);
      if (job?.status === 'Complete') break;
      expect(['Active', 'Ready', 'Preparing', 'New', 'Completing']).toContain(job?.status);
      await new Promise((r) => setTimeout(r, 50));
    }
    const text = await (await fetch(`http://127.0.0.1:${ts.port}/-/metrics`)).text();
    const value = (series: string): number =>
      Number(new RegExp(`^${series} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
    expect(value('ossbatch_wal_checkpoint_seconds_count')).toBeGreaterThanOrEqual(10);
    expect(value('ossbatch_wal_checkpoint_seconds_sum')).toBeGreaterThan(0);
    expect(text).toContain('# TYPE ossbatch_wal_pause_seconds histogram');
  }, 60_000);
});
