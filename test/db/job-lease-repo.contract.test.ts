import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/db/backend.js';
import { backendFactories, suiteTitle, type TestDatabase } from './backends.js';

const BACKENDS = backendFactories('job_leases');
afterAll(async () => {
  for (const f of BACKENDS) await f.dropAll();
});

const TTL = 30_000;

for (const factory of BACKENDS) {
  describe.skipIf(factory.skip !== undefined)(suiteTitle(factory, 'JobLeaseRepo contract'), () => {
    let db: TestDatabase;
    let a: Backend;
    let b: Backend;
    beforeAll(async () => {
      db = await factory.open();
      a = db.backend;
      b = await db.another();
    });

    it('claims plan and settle separately; a live lease is never taken, not even by its owner', async () => {
      const plan = await a.jobLeases.claim({
        jobId: 'j1',
        purpose: 'plan',
        owner: 'n1',
        now: 1000,
        ttlMs: TTL,
      });
      expect(plan).toEqual({ jobId: 'j1', purpose: 'plan', owner: 'n1', token: 1, expiresAt: 31_000 });
      expect(
        await b.jobLeases.claim({ jobId: 'j1', purpose: 'plan', owner: 'n2', now: 31_000, ttlMs: TTL }),
      ).toBeUndefined();
      expect(
        await a.jobLeases.claim({ jobId: 'j1', purpose: 'plan', owner: 'n1', now: 2000, ttlMs: TTL }),
      ).toBeUndefined();
      const settle = await b.jobLeases.claim({
        jobId: 'j1',
        purpose: 'settle',
        owner: 'n2',
        now: 2000,
        ttlMs: TTL,
      });
      expect(settle?.token).toBe(1);
      expect(await a.jobLeases.isHeld('j1', 'plan', 31_000)).toBe(true);
      expect(await a.jobLeases.isHeld('j1', 'plan', 31_001)).toBe(false);
    });

    it('takes over only after the TTL, with a higher fencing token; the old holder can neither renew nor release', async () => {
      const first = await a.jobLeases.claim({
        jobId: 'j2',
        purpose: 'settle',
        owner: 'n1',
        now: 1000,
        ttlMs: 100,
      });
      const renewed = await a.jobLeases.renew(first!, 1050, 100);
      expect(renewed).toEqual({ ...first, expiresAt: 1150 });
      expect(
        await b.jobLeases.claim({ jobId: 'j2', purpose: 'settle', owner: 'n2', now: 1150, ttlMs: TTL }),
      ).toBeUndefined();
      const taken = await b.jobLeases.claim({
        jobId: 'j2',
        purpose: 'settle',
        owner: 'n2',
        now: 1151,
        ttlMs: TTL,
      });
      expect(taken).toMatchObject({ owner: 'n2', token: 2, expiresAt: 31_151 });
      expect(await a.jobLeases.renew(first!, 1200, TTL)).toBeUndefined();
      await a.jobLeases.release(first!);
      expect(await a.jobLeases.isHeld('j2', 'settle', 2000)).toBe(true);
      // The holder releases: the row stays, so the next claim's token keeps growing.
      await b.jobLeases.release(taken!);
      expect(await a.jobLeases.isHeld('j2', 'settle', 2000)).toBe(false);
      const third = await a.jobLeases.claim({
        jobId: 'j2',
        purpose: 'settle',
        owner: 'n1',
        now: 2000,
        ttlMs: TTL,
      });
      expect(third?.token).toBe(3);
    });

    it('many claimers racing for one expired lease: exactly one wins', async () => {
      await a.jobLeases.claim({ jobId: 'j3', purpose: 'plan', owner: 'n0', now: 0, ttlMs: 10 });
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 ? b : a).jobLeases.claim({
            jobId: 'j3',
            purpose: 'plan',
            owner: `n${i + 1}`,
            now: 100,
            ttlMs: TTL,
          }),
        ),
      );
      const winners = results.filter((r) => r !== undefined);
      expect(winners).toHaveLength(1);
      expect(winners[0]?.token).toBe(2);
      // And racing for a missing row: one creates it with token 1, the others find it live.
      const fresh = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 ? b : a).jobLeases.claim({
            jobId: 'j4',
            purpose: 'plan',
            owner: `m${i}`,
            now: 100,
            ttlMs: TTL,
          }),
        ),
      );
      expect(fresh.filter((r) => r !== undefined).map((r) => r?.token)).toEqual([1]);
    });

    it('releaseAll expires every lease (embedded start-up)', async () => {
      await a.jobLeases.claim({ jobId: 'j5', purpose: 'plan', owner: 'n1', now: 1000, ttlMs: TTL });
      expect(await a.jobLeases.releaseAll()).toBeGreaterThanOrEqual(1);
      expect(await a.jobLeases.isHeld('j5', 'plan', 1000)).toBe(false);
      expect(
        (await b.jobLeases.claim({ jobId: 'j5', purpose: 'plan', owner: 'n2', now: 1000, ttlMs: TTL }))
          ?.token,
      ).toBe(2);
    });
  });
}
