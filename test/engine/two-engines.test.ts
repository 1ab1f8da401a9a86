/**
 * Two engines (two nodes) on one database (the vitest project's: SQLite, or PostgreSQL), in one process:
 * planning and settling of a job are claimed through the job-lease port, so exactly one engine plans it
 * and exactly one settles it, and each chunk is finished exactly once across both. Observed through the engines' typed events.
 */
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../src/db/backend.js';
import { createEngine, type Engine, type EngineEventMap } from '../../src/engine/index.js';
import { createHarness, readReport, TAG_OP, type Harness } from './harness.js';

let h: Harness | undefined;
let second: { backend: Backend; engine: Engine } | undefined;
afterEach(async () => {
  await second?.engine.stop();
  await second?.backend.close();
  await h?.close();
  h = second = undefined;
});

type Seen = { [K in keyof EngineEventMap]: (EngineEventMap[K] & { node: string })[] };

function record(engines: [string, Engine][]): Seen {
  const seen: Seen = {
    'job-status': [],
    'chunk-claimed': [],
    'chunk-committed': [],
    'chunk-released': [],
    'planning-done': [],
    'settling-done': [],
    'pass-done': [],
  };
  for (const [node, engine] of engines) {
    for (const name of Object.keys(seen) as (keyof EngineEventMap)[]) {
      engine.events.on(name, (e) => (seen[name] as unknown[]).push({ ...e, node }));
    }
  }
  return seen;
}

/** Polls `pred` until it holds, or fails after `ms` (events land right after the state they report). */
async function until(pred: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('two engines on one database', () => {
  it('plan and settle each job once, and finish each chunk once, with an exact report', async () => {
    h = await createHarness({ chunkSize: 50, workers: 2 });
    const backend = await createBackend({ db: h.config.db, dataDir: h.dir });
    const engine = createEngine({
      ports: backend,
      store: h.store,
      iam: h.iam,
      clock: h.clock,
      config: h.config,
      logger: pino({ level: 'silent' }),
      metrics: new Registry(),
      nodeId: 'second-node',
      storeKind: 'builtin',
    });
    second = { backend, engine };
    const seen = record([
      ['first', h.engine],
      ['second', engine],
    ]);
    await engine.start();
    const role = await h.role('r');
    await h.bucket('src');
    await h.bucket('rep');
    const n = 1000;
    const keys = Array.from({ length: n }, (_, i) => `k/${String(i).padStart(4, '0')}`);
    await h.seed(
      'src',
      keys.map((key) => ({ key })),
    );
    await h.putText('src', 'm.csv', keys.map((k) => `src,${k}\n`).join(''));
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(
        await h.createJob({
          operation: TAG_OP,
          manifest: { bucket: 'src', object: 'm.csv' },
          report: { bucket: 'rep', prefix: `r${i}/` },
          roleArn: role,
        }),
      );
    }
    for (const [i, id] of ids.entries()) {
      const job = await h.waitFor(id, ['Complete', 'Failed'], 30_000);
      expect([job.status, job.totalTasks, job.succeededTasks, job.failedTasks]).toEqual([
        'Complete',
        n,
        n,
        0,
      ]);
      const planned = seen['planning-done'].filter((e) => e.jobId === id && e.outcome === 'planned');
      expect(planned).toHaveLength(1);
      const settledOf = () => seen['settling-done'].filter((e) => e.jobId === id && e.status === 'Complete');
      await until(() => settledOf().length > 0);
      expect(settledOf()).toHaveLength(1);
      const done = seen['chunk-committed'].filter((e) => e.jobId === id && e.next === 'done');
      expect(done.map((e) => e.chunkIndex).sort((a, b) => a - b)).toEqual(
        Array.from({ length: n / 50 }, (_, c) => c),
      );
      const { rows } = await readReport(h, 'rep', `r${i}/`, id);
      expect(rows).toHaveLength(n);
      expect(new Set(rows.map((r) => r[1])).size).toBe(n);
    }
    // Both nodes heartbeat in the registry.
    const live = await backend.nodes.listLive(h.clock.now(), 10_000);
    expect(live.map((x) => x.nodeId)).toEqual(expect.arrayContaining(['second-node']));
    expect(live).toHaveLength(2);
  });

  it('does not plan a job while another node holds its plan lease, and plans it once the lease is given up', async () => {
    h = await createHarness({ chunkSize: 10, start: false });
    const role = await h.role('r');
    await h.bucket('src');
    await h.seed('src', [{ key: 'a' }]);
    await h.putText('src', 'm.csv', 'src,a\n');
    const id = await h.createJob({
      operation: TAG_OP,
      manifest: { bucket: 'src', object: 'm.csv' },
      roleArn: role,
    });
    const leases = h.backend.jobLeases;
    const held = await leases.claim({
      jobId: id,
      purpose: 'plan',
      owner: 'other-node',
      now: h.clock.now(),
      ttlMs: 60_000,
    });
    expect(held?.token).toBe(1);
    const seen = record([['first', h.engine]]);
    await h.engine.start();
    // Let the engine tick for two heartbeats (~2 s of ticks every 250 ms, each trying to claim the lease).
    const beats = async (): Promise<number> =>
      (await h!.backend.nodes.listLive(h!.clock.now(), 60_000)).find((n) => n.nodeId.startsWith('harness-'))
        ?.seenAt ?? 0;
    const firstBeat = await (async () => {
      for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
        const b = await beats();
        if (b > 0) return b;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error('no heartbeat');
    })();
    for (const deadline = Date.now() + 10_000; (await beats()) < firstBeat + 1500;) {
      if (Date.now() > deadline) throw new Error('the engine stopped beating');
      await new Promise((r) => setTimeout(r, 20));
    }
    expect((await h.job(id)).status).toBe('New');
    expect(seen['planning-done']).toEqual([]);
    await leases.release(held!);
    const job = await h.waitFor(id, ['Complete', 'Failed']);
    expect([job.status, job.succeededTasks]).toEqual(['Complete', 1]);
    await until(() => seen['planning-done'].length > 0);
    expect(seen['planning-done'].map((e) => e.outcome)).toEqual(['planned']);
  });

  it('lets a test await engine events', async () => {
    h = await createHarness({ chunkSize: 10 });
    const role = await h.role('r');
    await h.bucket('src');
    await h.seed('src', [{ key: 'a' }, { key: 'b' }]);
    await h.putText('src', 'm.csv', 'src,a\nsrc,b\n');
    const planned = h.engine.events.once('planning-done', (e) => e.outcome === 'planned');
    const complete = h.engine.events.once('job-status', (e) => e.to === 'Complete');
    const id = await h.createJob({
      operation: TAG_OP,
      manifest: { bucket: 'src', object: 'm.csv' },
      roleArn: role,
    });
    expect(await planned).toMatchObject({ jobId: id, totalTasks: 2 });
    expect(await complete).toMatchObject({ jobId: id, to: 'Complete', job: { succeededTasks: 2 } });
  });
});
