import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend, ShardRef } from '../../src/db/backend.js';
import { backendFactories, suiteTitle, type TestDatabase } from './backends.js';

const BACKENDS = backendFactories('shards');
afterAll(async () => {
  for (const f of BACKENDS) await f.dropAll();
});

async function read(b: Backend, ref: ShardRef, bytes: number): Promise<string> {
  const parts: Buffer[] = [];
  for await (const piece of b.shards.readCommitted(ref, bytes)) parts.push(piece);
  return Buffer.concat(parts).toString('utf8');
}

for (const factory of BACKENDS) {
  describe.skipIf(factory.skip !== undefined)(suiteTitle(factory, 'ShardStore contract'), () => {
    let db: TestDatabase;
    let a: Backend;
    let b: Backend;
    beforeAll(async () => {
      db = await factory.open();
      a = db.backend;
      b = await db.another();
    });

    it('reads back exactly the committed prefix of what was flushed, in order, from another backend', async () => {
      const ref = { jobId: 'j1', chunkIndex: 0, attempt: 1 };
      const w = await a.shards.openWriter(ref, { attempt: 0, bytes: 0 });
      expect(w.size).toBe(0);
      w.append(Buffer.from('a,1\n'));
      w.append(Buffer.from('b,é\n'));
      expect(w.size).toBe(9);
      await w.flush();
      w.append(Buffer.from('c,3\n'));
      await w.flush();
      await w.close();
      expect(await read(b, ref, 13)).toBe('a,1\nb,é\nc,3\n');
      expect(await read(b, ref, 9)).toBe('a,1\nb,é\n'); // rows past the committed bytes are not read
      expect(await read(b, ref, 0)).toBe('');
      expect(await read(b, { ...ref, attempt: 7 }, 10)).toBe('');
    });

    it('a new attempt seeds from the committed prefix only, so every task is reported exactly once', async () => {
      const first = { jobId: 'j2', chunkIndex: 3, attempt: 1 };
      const w1 = await a.shards.openWriter(first, { attempt: 0, bytes: 0 });
      w1.append(Buffer.from('t0\nt1\n'));
      await w1.flush(); // committed: 6 bytes (t0, t1)
      w1.append(Buffer.from('t2\n'));
      await w1.flush(); // flushed but never committed: the node dies here
      // Another node takes the chunk over (attempt 2) from the committed prefix of attempt 1.
      const second = { ...first, attempt: 2 };
      const w2 = await b.shards.openWriter(second, { attempt: 1, bytes: 6 });
      expect(w2.size).toBe(6);
      w2.append(Buffer.from('t2\nt3\n'));
      await w2.flush();
      await w2.close();
      // The stale attempt keeps writing into its own shard, which no committed chunk row points at.
      w1.append(Buffer.from('t3\n'));
      await w1.flush();
      expect(await read(a, second, 12)).toBe('t0\nt1\nt2\nt3\n');
      // Re-opening an attempt's own shard truncates it to the seed (here inside the first flushed piece).
      const w3 = await a.shards.openWriter(second, { attempt: 2, bytes: 4 });
      expect(w3.size).toBe(4);
      w3.append(Buffer.from('X\n'));
      await w3.flush();
      expect(await read(b, second, 6)).toBe('t0\ntX\n');
      // Seeding attempt 3 from attempt 2 replaces anything attempt 3 had.
      const third = { ...first, attempt: 3 };
      const junk = await a.shards.openWriter(third, { attempt: 0, bytes: 0 });
      junk.append(Buffer.from('junk\n'));
      await junk.flush();
      const w4 = await b.shards.openWriter(third, { attempt: 2, bytes: 6 });
      expect(w4.size).toBe(6);
      expect(await read(a, third, 6)).toBe('t0\ntX\n');
    });

    it('opening with nothing committed drops whatever the attempt held, from any seed attempt', async () => {
      // Every chunk's first attempt opens this way (PostgreSQL: one DELETE, no extent read).
      const ref = { jobId: 'j4', chunkIndex: 7, attempt: 4 };
      const stale = await a.shards.openWriter(ref, { attempt: 0, bytes: 0 });
      stale.append(Buffer.from('stale\n'));
      await stale.flush();
      stale.append(Buffer.from('more stale\n'));
      await stale.flush();
      for (const seedAttempt of [3, 4]) {
        const w = await b.shards.openWriter(ref, { attempt: seedAttempt, bytes: 0 });
        expect(w.size).toBe(0);
        w.append(Buffer.from(`new${seedAttempt}\n`));
        await w.flush();
        await w.close();
        expect(await read(a, ref, 100)).toBe(`new${seedAttempt}\n`);
      }
    });

    it('seeding from a prefix that ends inside a flushed piece keeps exactly that prefix', async () => {
      const first = { jobId: 'j4', chunkIndex: 0, attempt: 1 };
      const w1 = await a.shards.openWriter(first, { attempt: 0, bytes: 0 });
      w1.append(Buffer.from('r0\nr1\n'));
      await w1.flush(); // one piece of 6 bytes; only 3 were committed
      const second = { ...first, attempt: 2 };
      const w2 = await b.shards.openWriter(second, { attempt: 1, bytes: 3 });
      expect(w2.size).toBe(3);
      w2.append(Buffer.from('r1\n'));
      await w2.flush();
      expect(await read(a, second, 100)).toBe('r0\nr1\n');
    });

    it('keeps the bytes an append lent it, not the caller’s buffer, which is reused at once', async () => {
      // The engine appends a view of one buffer it rewrites for the next batch (report-bytes.ts).
      const ref = { jobId: 'j1', chunkIndex: 5, attempt: 1 };
      const w = await a.shards.openWriter(ref, { attempt: 0, bytes: 0 });
      const lent = Buffer.alloc(100 * 1024); // past any writer's first buffer size, so it must grow
      const expected: string[] = [];
      for (const fill of ['a', 'b', 'c']) {
        lent.fill(fill);
        w.append(lent);
        expected.push(fill.repeat(lent.length));
        if (fill === 'b') await w.flush();
      }
      lent.fill('z');
      await w.flush();
      lent.fill('y');
      await w.close();
      expect(await read(b, ref, w.size)).toBe(expected.join(''));
    });

    it('lists the jobs holding shards and deletes a job’s shards (all chunks, all attempts)', async () => {
      const w = await a.shards.openWriter(
        { jobId: 'j3', chunkIndex: 1, attempt: 1 },
        { attempt: 0, bytes: 0 },
      );
      w.append(Buffer.from('x\n'));
      await w.flush();
      expect((await b.shards.listJobs()).sort()).toEqual(['j1', 'j2', 'j3', 'j4']);
      await b.shards.deleteJob('j2');
      await b.shards.deleteJob('j2');
      expect((await a.shards.listJobs()).sort()).toEqual(['j1', 'j3', 'j4']);
      expect(await read(a, { jobId: 'j2', chunkIndex: 3, attempt: 2 }, 12)).toBe('');
    });
  });
}
