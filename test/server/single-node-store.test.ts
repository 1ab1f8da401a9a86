/**
 * The built-in store stays single-node (issue 7, item 6): `--db postgres://…` with the built-in store is a
 * supported single-node shape, and the node registry (which records each node's store kind) refuses the
 * shapes that cannot work, at start, with one line and exit 2. Real `ossbatch server` processes on one
 * fresh PostgreSQL database.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../src/db/backend.js';
import { parseDatabaseUrl } from '../../src/db/database-url.js';
import { rawRequest } from '../helpers/server.js';
import { ensureBuilt, spawnServer, stopServer, type SpawnedServer } from '../helpers/server-process.js';
import { openTestDb, type TestDb } from '../helpers/test-backend.js';
import { PG_SKIP, waitFor } from '../db/backends.js';

const title = PG_SKIP ? `built-in store on PostgreSQL (skipped: ${PG_SKIP})` : 'built-in store on PostgreSQL';

describe.skipIf(PG_SKIP !== undefined)(title, () => {
  let tmp: string;
  let db: TestDb;
  let url: string;
  let registry: Backend;
  const running: SpawnedServer[] = [];
  const start = (name: string): SpawnedServer => {
    const s = spawnServer(['--data-dir', path.join(tmp, name), '--db', url]);
    running.push(s);
    return s;
  };
  const refusal = async (s: SpawnedServer): Promise<string[]> => {
    expect(await s.exited).toBe(2);
    return s.output().stderr.trim().split('\n');
  };

  beforeAll(async () => {
    ensureBuilt();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-single-'));
    db = await openTestDb('single_node', 'postgres');
    url = db.url ?? '';
    registry = await createBackend({ db: parseDatabaseUrl(url), dataDir: tmp });
  });
  afterAll(async () => {
    for (const s of running) await stopServer(s);
    await registry?.close();
    await db?.drop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('refuses a second built-in-store node while the first is live; a clean stop frees the database', async () => {
    const a = start('a');
    const { url: aUrl } = await a.listening;
    const b = start('b');
    const lines = await refusal(b);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ossbatch: the database is in use by live node \S+, which keeps its objects/);
    expect(lines[0]).toMatch(/built-in store is single-node/);
    expect(lines[0]).toMatch(/several nodes only with a remote object store/);
    // The live node is untouched and still serves.
    expect((await rawRequest(aUrl, { path: '/-/health' })).status).toBe(200);
    const nodes = await registry.nodes.listLive(Date.now(), 10_000);
    expect(nodes.map((n) => n.storeKind)).toEqual(['builtin']);

    await stopServer(a);
    const again = start('b');
    await again.listening;
    await stopServer(again);
  });

  it('restarts after kill -9 within the liveness TTL (the dead process row on this host is not a node)', async () => {
    const first = start('crashy');
    await first.listening;
    first.child.kill('SIGKILL');
    await first.exited;
    // The killed node's row is still "live" (it heartbeated < 10 s ago) …
    expect((await registry.nodes.listLive(Date.now(), 10_000)).length).toBe(1);
    // … yet the operator's restart on the same data dir starts.
    const second = start('crashy');
    await second.listening;
    await waitFor('only the restarted node live', async () => {
      const live = await registry.nodes.listLive(Date.now(), 10_000);
      return live.length === 1 ? live : undefined;
    });
    await stopServer(second);
  });

  it('refuses a built-in-store node while a live remote-store node uses the database', async () => {
    // A remote-store node's heartbeat row, written through the registry port as such a node writes it
    // (no remote store can be started from this branch yet). Its host is not ours, so it counts as live.
    const now = Date.now();
    const nodeId = 'other-host:4242:remote01';
    await registry.nodes.heartbeat({ nodeId, storeKind: 'remote', startedAt: now, now });
    const s = start('c');
    const lines = await refusal(s);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/in use by live node other-host:4242:remote01 with a remote store/);
    expect(lines[0]).toMatch(/built-in store cannot join it/);
    await registry.nodes.remove(nodeId);
  });
});
