/**
 * Three `ossbatch server` processes on one PostgreSQL database and one remote store (issue 8, "the
 * cluster"): kill -9 of a node mid-job loses nothing; a cancel sent to another node stops every node; the
 * killed node restarted with the same flags rejoins and takes work.
 */
import fs from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe as suite, expect, it } from 'vitest';
import { createDatabase, dropDatabase, PG_SKIP, pgUrl, uniqueDbName, waitFor } from '../db/backends.js';
import { jobRequest, type TestServer } from '../helpers/server.js';
import { TRUST_OSS } from '../jobs/jobs-env.js';
import { ensureBuilt, runCli, startServerProcess } from '../store/remote/cli-process.js';
import {
  chunkRows,
  countTagged,
  createTagJob,
  describe,
  nodeClient,
  nodeEnv,
  readReport,
  startNode,
  startStore,
  type Node,
} from './cluster-harness.js';

/** Four chunks of the default 5,000 tasks: more chunks than one node's two workers hold at once. */
const OBJECTS = 20_000;
const POLICY = JSON.stringify({
  Version: '1',
  Statement: [
    { Effect: 'Allow', Action: ['oss:GetObject', 'oss:PutObject', 'oss:PutObjectTagging'], Resource: ['*'] },
  ],
});

const title = PG_SKIP ? `a cluster of three nodes (skipped: ${PG_SKIP})` : 'a cluster of three nodes';

suite.skipIf(PG_SKIP !== undefined)(title, () => {
  const dbName = uniqueDbName('cluster');
  const url = pgUrl(dbName);
  let store: TestServer;
  let nodes: Node[] = [];
  let sql: pg.Client;

  beforeAll(async () => {
    ensureBuilt();
    await createDatabase(dbName);
    store = await startStore(OBJECTS);
    // The first node creates the schema and the root account; the others join it.
    nodes.push(await startNode(url, store.port));
    nodes.push(...(await Promise.all([startNode(url, store.port), startNode(url, store.port)])));
    const ram = (args: string[]): void => {
      const r = runCli(['ram', ...args, '--db', url], nodeEnv());
      if (r.status !== 0) throw new Error(`ram ${args[0]}: ${r.stderr}`);
    };
    ram(['create-role', '--role-name', 'tagger', '--assume-role-policy-document', TRUST_OSS]);
    ram(['create-policy', '--policy-name', 'tagging', '--policy-document', POLICY]);
    ram(['attach-policy-to-role', '--policy-name', 'tagging', '--role-name', 'tagger']);
    sql = new pg.Client({ connectionString: url });
    await sql.connect();
  }, 120_000);

  afterAll(async () => {
    await sql?.end().catch(() => undefined);
    for (const n of nodes) {
      n.proc.child.kill('SIGKILL');
      fs.rmSync(n.dataDir, { recursive: true, force: true });
    }
    await store?.close();
    await dropDatabase(dbName);
  });

  const pidOf = (n: Node): number => n.proc.child.pid ?? -1;
  const ownedBy = (owner: string | null, n: Node): boolean => owner?.split(':')[1] === String(pidOf(n));

  it(
    'kill -9 of a node mid-job: the job completes, counts, report and tags exact',
    { timeout: 180_000 },
    async () => {
      const jobId = await createTagJob(nodes[0] as Node, 'one', 'r1/');
      // The victim: a node holding a chunk on which it has already committed progress.
      const victim = await waitFor(
        'a node with committed progress on a chunk it holds',
        async () => {
          const rows = await chunkRows(sql, jobId);
          return nodes.find((n) =>
            rows.some((r) => r.state === 'leased' && r.cursor > 0 && ownedBy(r.owner, n)),
          );
        },
        90_000,
      );
      victim.proc.child.kill('SIGKILL');
      const survivor = nodes.find((n) => n !== victim) as Node;
      const done = await waitFor(
        'the job to finish',
        async () => {
          const j = await describe(survivor, jobId);
          return j.status === 'Complete' || j.status === 'Failed' ? j : undefined;
        },
        120_000,
      );
      expect(done).toEqual({ status: 'Complete', total: OBJECTS, succeeded: OBJECTS, failed: 0 });
      const report = await readReport(store, 'r1/', jobId);
      expect(report.size).toBe(OBJECTS);
      expect([...report.values()].every((c) => c === 1)).toBe(true);
      expect(await countTagged(store, OBJECTS, 'one')).toBe(OBJECTS);
      nodes = nodes.filter((n) => n !== victim);
      nodes.push(victim);
    },
  );

  it('a cancel sent to another node stops work on every node', { timeout: 120_000 }, async () => {
    const [a, b] = nodes as [Node, Node];
    const jobId = await createTagJob(a, 'two', 'r2/');
    await waitFor(
      'progress on the job',
      async () => ((await describe(a, jobId)).succeeded > 0 ? true : undefined),
      60_000,
    );
    const cancel = await jobRequest(nodeClient(b), 'UpdateJobStatus', { jobId, status: 'Cancelled' });
    expect(cancel.status).toBe(200);
    const sent = Date.now();
    // No chunk of the job is held by any node any more (each worker saw the cancel and let go).
    await waitFor(
      'every node to let go of the job',
      async () => ((await chunkRows(sql, jobId)).every((r) => r.state !== 'leased') ? true : undefined),
      10_000,
    );
    const released = Date.now() - sent;
    const end = await waitFor(
      'Cancelled',
      async () => {
        const j = await describe(a, jobId);
        return j.status === 'Cancelled' ? j : undefined;
      },
      30_000,
    );
    expect(end.succeeded).toBeLessThan(OBJECTS);
    // Exactly what the counters say was done is in the report and in the store: no node kept tagging.
    const report = await readReport(store, 'r2/', jobId);
    expect(report.size).toBe(end.succeeded + end.failed);
    expect(await countTagged(store, OBJECTS, 'two')).toBe(end.succeeded);
    console.log(`cluster: cancel released every chunk ${released} ms after UpdateJobStatus`);
  });

  it(
    'the killed node restarted with the same flags rejoins and takes work',
    { timeout: 120_000 },
    async () => {
      const killed = nodes[2] as Node;
      killed.proc = await startServerProcess(killed.args, nodeEnv());
      const health = (await (await fetch(`http://127.0.0.1:${killed.proc.port}/-/health`)).json()) as {
        status: string;
        node: string;
      };
      expect(health.status).toBe('ok');
      expect(health.node.split(':')[1]).toBe(String(pidOf(killed)));
      // Its row in the node registry appears with its first heartbeat, which may follow the listen line.
      await waitFor(
        'the rejoined node in the node registry',
        async () =>
          (await sql.query('SELECT 1 FROM nodes WHERE node_id = $1', [health.node])).rowCount === 1
            ? true
            : undefined,
        30_000,
      );
      // The other two are paused (SIGSTOP) so that the work can only go to the rejoined node.
      const others = nodes.filter((n) => n !== killed);
      for (const n of others) n.proc.child.kill('SIGSTOP');
      try {
        const jobId = await createTagJob(killed, 'three', 'r3/');
        const done = await waitFor(
          'the job on the rejoined node',
          async () => {
            const j = await describe(killed, jobId);
            return j.status === 'Complete' || j.status === 'Failed' ? j : undefined;
          },
          90_000,
        );
        expect(done).toEqual({ status: 'Complete', total: OBJECTS, succeeded: OBJECTS, failed: 0 });
      } finally {
        for (const n of others) n.proc.child.kill('SIGCONT');
      }
    },
  );
});
