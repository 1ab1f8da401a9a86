import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend, ConsoleSession } from '../../src/db/backend.js';
import { backendFactories, suiteTitle, type TestDatabase } from './backends.js';

const BACKENDS = backendFactories('sessions_nodes');
afterAll(async () => {
  for (const f of BACKENDS) await f.dropAll();
});

const session = (id: string, createdAt: number, expiresAt: number): ConsoleSession => ({
  id,
  accessKeyId: `AK-${id}`,
  csrfToken: `csrf-${id}`,
  createdAt,
  expiresAt,
});

for (const factory of BACKENDS) {
  describe.skipIf(factory.skip !== undefined)(
    suiteTitle(factory, 'SessionRepo and NodeRegistry contract'),
    () => {
      let db: TestDatabase;
      let a: Backend;
      let b: Backend;
      beforeAll(async () => {
        db = await factory.open();
        a = db.backend;
        b = await db.another();
      });

      it('a session signed in on one node is read on another until it expires', async () => {
        await a.sessions.insert(session('s1', 1000, 5000), 1000, 10);
        expect(await b.sessions.get('s1', 4999)).toEqual(session('s1', 1000, 5000));
        expect(await b.sessions.get('s1', 5000)).toBeUndefined();
        expect(await a.sessions.get('s1', 1000)).toBeUndefined(); // an expired row may be deleted when seen
        expect(await a.sessions.get('nope', 1000)).toBeUndefined();
        await a.sessions.insert(session('s2', 1000, 9000), 1000, 10);
        await b.sessions.delete('s2');
        await b.sessions.delete('s2');
        expect(await a.sessions.get('s2', 1000)).toBeUndefined();
      });

      it('insert sweeps expired sessions and keeps at most maxSessions, dropping the oldest', async () => {
        for (let i = 0; i < 4; i++) await a.sessions.insert(session(`c${i}`, 2000 + i, 100_000), 2000 + i, 3);
        await a.sessions.insert(session('old-expired', 1, 2500), 1, 10);
        expect(await b.sessions.count(2000)).toBe(4); // c1..c3 plus the not-yet-expired one
        await b.sessions.insert(session('c4', 3000, 100_000), 3000, 3);
        expect(await a.sessions.count(3000)).toBe(3);
        expect(await a.sessions.get('c1', 3000)).toBeUndefined();
        expect(await a.sessions.get('c2', 3000)).toBeDefined();
        expect(await a.sessions.get('c4', 3000)).toBeDefined();
      });

      it('nodes heartbeat, list live oldest start first, and leave', async () => {
        await a.nodes.heartbeat({ nodeId: 'n-a', storeKind: 'builtin', startedAt: 100, now: 1000 });
        await b.nodes.heartbeat({ nodeId: 'n-b', storeKind: 'remote', startedAt: 50, now: 1000 });
        await b.nodes.heartbeat({ nodeId: 'n-b', storeKind: 'remote', startedAt: 999, now: 3000 });
        expect(await a.nodes.listLive(3000, 2000)).toEqual([
          { nodeId: 'n-b', storeKind: 'remote', startedAt: 50, seenAt: 3000 },
          { nodeId: 'n-a', storeKind: 'builtin', startedAt: 100, seenAt: 1000 },
        ]);
        expect((await a.nodes.listLive(3001, 2000)).map((n) => n.nodeId)).toEqual(['n-b']);
        await b.nodes.remove('n-b');
        expect(await a.nodes.listLive(3000, 10_000)).toEqual([
          { nodeId: 'n-a', storeKind: 'builtin', startedAt: 100, seenAt: 1000 },
        ]);
      });

      it('health reports the backend kind', async () => {
        expect(await a.health()).toEqual({ ok: true, kind: factory.name });
      });
    },
  );
}
