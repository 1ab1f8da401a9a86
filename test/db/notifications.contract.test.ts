import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend, Notification } from '../../src/db/backend.js';
import { systemClock } from '../../src/protocol/clock.js';
import { backendFactories, suiteTitle, type TestDatabase } from './backends.js';

const BACKENDS = backendFactories('notifications');
afterAll(async () => {
  for (const f of BACKENDS) await f.dropAll();
});

/** Resolves with the first notification matching `pred` the backend delivers; rejects after `ms`. */
function next(b: Backend, pred: (n: Notification) => boolean, ms: number): Promise<Notification> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching notification within ${ms} ms`));
    }, ms);
    const off = b.notifications.subscribe((n) => {
      if (!pred(n)) return;
      clearTimeout(timer);
      off();
      resolve(n);
    });
  });
}

const jobChanged = (jobId: string) => (n: Notification) => n.kind === 'job-changed' && n.jobId === jobId;

/** Terminates every LISTEN session on the test database (as a database restart or network drop would). */
async function killListeners(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'LISTEN%'`,
    );
    return r.rowCount ?? 0;
  } finally {
    await c.end();
  }
}

for (const factory of BACKENDS) {
  describe.skipIf(factory.skip !== undefined)(suiteTitle(factory, 'Notifications contract'), () => {
    let db: TestDatabase;
    let a: Backend;
    beforeAll(async () => {
      db = await factory.open();
      a = db.backend;
    });

    it('a publisher’s own subscribers receive its notifications (loopback)', async () => {
      const got = next(a, jobChanged('j-loop'), 1000);
      await a.notifications.publish({ kind: 'job-changed', jobId: 'j-loop' });
      expect(await got).toEqual({ kind: 'job-changed', jobId: 'j-loop' });
    });

    it('an unsubscribed listener hears nothing more, and a throwing listener does not stop the others', async () => {
      const heard: string[] = [];
      const off = a.notifications.subscribe((n) => {
        if (n.kind === 'job-changed') heard.push(n.jobId);
      });
      const offThrow = a.notifications.subscribe(() => {
        throw new Error('listener bug');
      });
      const first = next(a, jobChanged('j-1'), 1000);
      await a.notifications.publish({ kind: 'job-changed', jobId: 'j-1' });
      await first;
      off();
      offThrow();
      const second = next(a, jobChanged('j-2'), 1000);
      await a.notifications.publish({ kind: 'job-changed', jobId: 'j-2' });
      await second;
      expect(heard).toEqual(['j-1']);
    });

    it('an IAM write raises iam-changed on another backend (another process or node)', async () => {
      const other = await db.another();
      // A deadline, not a speed claim: SQLite polls every 200 ms; 5 s leaves room on a loaded machine.
      const got = next(other, (n) => n.kind === 'iam-changed', 5000);
      const accountId = await a.iamAdmin.ensureAccountId(systemClock);
      await a.iamAdmin.admin(accountId, systemClock).createUser({ userName: 'notified' });
      expect(await got).toEqual({ kind: 'iam-changed' });
    });

    it('publish never rejects, even when the database is gone (here: the backend is closed)', async () => {
      const doomed = await db.another();
      await doomed.close();
      await expect(
        doomed.notifications.publish({ kind: 'job-changed', jobId: 'late' }),
      ).resolves.toBeUndefined();
    });

    // SQLite is one process per data dir: loopback (above) is the whole story there.
    if (factory.name !== 'postgres') return;

    it('a publish on one node reaches a subscriber on another within 1 s', async () => {
      const other = await db.another();
      const got = next(other, jobChanged('j-x'), 1000);
      await a.notifications.publish({ kind: 'job-changed', jobId: 'j-x' });
      expect(await got).toEqual({ kind: 'job-changed', jobId: 'j-x' });
    });

    it('the LISTEN connection comes back after the server drops it, with an iam-changed hint', async () => {
      const listener = await db.another();
      const hint = next(listener, (n) => n.kind === 'iam-changed', 10_000);
      expect(await killListeners(db.location)).toBeGreaterThanOrEqual(1);
      await hint; // delivered on reconnect: IAM changes made meanwhile may have been missed
      // Publishes from another node reach it again.
      const deadline = Date.now() + 10_000;
      for (let i = 0; ; i++) {
        const got = next(listener, jobChanged(`after-${i}`), 500).then(
          () => true,
          () => false,
        );
        await a.notifications.publish({ kind: 'job-changed', jobId: `after-${i}` });
        if (await got) break;
        if (Date.now() > deadline)
          throw new Error('notifications did not resume after the LISTEN connection dropped');
      }
    });
  });
}
