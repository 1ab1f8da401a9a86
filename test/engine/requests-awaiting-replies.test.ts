/**
 * DescribeJob while a job runs, through the real server on this project's backend (src/server.ts wires the
 * batch gate to the HTTP layer's turn, src/http/request-turn.ts).
 *
 * On PostgreSQL a DescribeJob sends its query in its turn and reads the reply in a later one. The built-in
 * store's batches block the loop, so the next batch waits for that reply (request-turn.ts,
 * `afterTurnReplies`) instead of running first (~2 ms of 500 tasks); when the wait gives up (reply-hold.ts)
 * the batch is granted with `hurry` and runs SHORT_TASK_BATCH tasks. On SQLite a DescribeJob is answered
 * within its turn, before the batch, so nothing waits or hurries for it (a PUT waiting for its fsync would:
 * test/engine/batch-gate-responses.test.ts covers the rules).
 *
 * Seen through the order of events in the server's process: `read` when Node parses a DescribeJob,
 * `written` when its response is handed to Node, `hurry` / `batch` when the gate grants (its diagnostics
 * channel), `held` when a grant that waited for a reply goes, `apply N` when the store applies a batch of N
 * tasks.
 */
import http from 'node:http';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchGranted } from '../../src/engine/batch-gate.js';
import { SHORT_TASK_BATCH } from '../../src/engine/chunk-worker.js';
import { batchHeld } from '../../src/http/request-turn.js';
import { jobXml, TAG_OP } from './harness.js';
import { jobRequest, seedObjectsAndTagger, startTestServer, type TestServer } from '../helpers/server.js';
import { TEST_BACKEND } from '../helpers/test-backend.js';

/**
 * Enough for the job to outlast the probes on a fast machine: 40 probes take ~1 s, and a job ran 350k
 * tasks/s on the fastest machine yet (docs/performance.md, fifteenth pass), where 100k objects were done
 * after a third of the probes.
 */
const OBJECTS = 500_000;
const PROBES = 40;

describe(`DescribeJob while a job runs (${TEST_BACKEND})`, () => {
  let ts: TestServer;
  let roleArn = '';
  const events: string[] = [];
  /** When each event happened (performance.now()), by index. */
  const times: number[] = [];
  const note = (event: string): void => {
    events.push(event);
    times.push(performance.now());
  };
  const onGrant = (hurry: unknown): void => note(hurry === true ? 'hurry' : 'batch');
  const onHeld = (m: unknown): void => note((m as { replied: boolean }).replied ? 'held' : 'held, gave up');

  beforeAll(async () => {
    ts = await startTestServer();
    roleArn = await seedObjectsAndTagger(ts, OBJECTS);
    ts.server.httpServer.on('request', (req: http.IncomingMessage, res: ServerResponse) => {
      if (req.url?.includes('batchJobId=') !== true || req.method !== 'GET') return;
      note('read');
      const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
      res.end = ((...args: unknown[]) => {
        note('written');
        return end(...args);
      }) as ServerResponse['end'];
    });
    const store = ts.server.store;
    const applyBatch = store.applyBatch.bind(store);
    store.applyBatch = (changes) => {
      note(`apply ${changes.length}`);
      return applyBatch(changes);
    };
    batchGranted.subscribe(onGrant);
    batchHeld.subscribe(onHeld);
  });
  afterAll(async () => {
    batchGranted.unsubscribe(onGrant);
    batchHeld.unsubscribe(onHeld);
    await ts?.close();
  });

  it('holds the batch for a waiting DescribeJob’s reply (short when the wait gives up), and only then', async () => {
    const client = ts.client();
    const body = jobXml({
      operation: TAG_OP,
      prefix: { bucket: 'src', prefix: 'k/' },
      roleArn,
    });
    const created = await jobRequest(client, 'CreateJob', { body });
    expect(created.status).toBe(200);
    const jobId = /<JobId>([^<]+)<\/JobId>/.exec(created.xml)?.[1] ?? '';
    while (!events.some((e) => e.startsWith('apply'))) await new Promise((r) => setTimeout(r, 5));

    const first = events.length;
    for (let i = 0; i < PROBES; i++) {
      const described = await jobRequest(client, 'DescribeJob', { jobId });
      expect(described.status).toBe(200);
      // Spaced as a console polls: back to back, the holds would use up their share of the loop
      // (reply-hold.ts) and the rest would run short batches instead. At 20 ms the share covers holds of
      // ~2 ms on average besides the 20 ms burst: a quarter of them, at least, on a slow machine.
      await new Promise((r) => setTimeout(r, 20));
    }
    const seen = events.slice(first);
    // The job really ran during the probes, to the last (else the test would prove nothing).
    expect(seen.filter((e) => e.startsWith('apply')).length).toBeGreaterThanOrEqual(PROBES / 2);
    const lastRead = seen.lastIndexOf('read');
    await new Promise((r) => setTimeout(r, 20));
    const ranAfterLastProbe = events.slice(first + lastRead).some((e) => e.startsWith('apply'));
    expect(ranAfterLastProbe, 'the job still ran after the last probe (else raise OBJECTS)').toBe(true);

    // Every hurried grant ran a short batch: the store's next batch after it.
    for (let i = 0; i < seen.length; i++) {
      if (seen[i] !== 'hurry') continue;
      const next = seen.slice(i + 1).find((e) => e.startsWith('apply'));
      if (next !== undefined) expect(Number(next.slice(6))).toBeLessThanOrEqual(SHORT_TASK_BATCH);
    }
    // What each DescribeJob saw granted between its parse and its response, and how long after its parse.
    const during: { grant: string; afterMs: number }[] = [];
    /** DescribeJobs answered with no batch granted between their parse and their response. */
    let answeredFirst = 0;
    let readAt: number | undefined;
    let granted = false;
    seen.forEach((e, i) => {
      const at = times[first + i] ?? 0;
      if (e === 'read') {
        readAt = at;
        granted = false;
      } else if (e === 'written') {
        if (readAt !== undefined && !granted) answeredFirst++;
        readAt = undefined;
      } else if (readAt !== undefined && (e === 'hurry' || e === 'batch')) {
        granted = true;
        during.push({ grant: e, afterMs: at - readAt });
      }
    });
    if (TEST_BACKEND === 'postgres') {
      // The batch waited for the reply: many DescribeJobs saw none run before their response went out
      // (without the wait every one sees a batch, short or whole, while its query is out: 0 of 40).
      expect(seen.filter((e) => e === 'held').length).toBeGreaterThanOrEqual(PROBES / 4);
      expect(answeredFirst).toBeGreaterThanOrEqual(PROBES / 4);
      // A reply not back within 20 ms of the body's arrival stops counting (request-turn.ts): on a loaded
      // machine a query may take that long, and the grants after it are whole batches by design.
      expect(during.filter((d) => d.grant === 'batch' && d.afterMs <= 15)).toEqual([]);
    } else {
      // Answered within its turn: no batch between, and nothing to wait or hurry for.
      expect(during).toEqual([]);
      expect(answeredFirst).toBe(PROBES);
      expect(seen.filter((e) => e === 'hurry' || e.startsWith('held'))).toEqual([]);
    }
    await jobRequest(client, 'UpdateJobStatus', { jobId, status: 'Cancelled' });
  }, 60_000);
});
