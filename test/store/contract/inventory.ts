import { describe, expect, it } from 'vitest';
import { mkBucket, ossCode, useHarness, type MakeStore } from './harness.js';

/** Bucket inventory configurations: create-only ids, paging, the schedule claimed by compare-and-set. */
export function inventoryContract(makeStore: MakeStore): void {
  describe('inventory configurations', () => {
    const ctx = useHarness(makeStore);

    it('creates once, lists in id order, claims each scheduled run exactly once, drops with the bucket', async () => {
      const s = ctx.h.store;
      const b = await mkBucket(s);
      const row = (id: string, nextRunAt: number) => ({
        bucket: b,
        id,
        document: `{"id":"${id}"}`,
        nextRunAt,
      });
      await s.createInventory(row('b', 100), 3);
      await s.createInventory(row('a', 200), 3);
      expect(await ossCode(s.createInventory(row('a', 1), 3))).toBe('InventoryAlreadyExist');
      await s.createInventory(row('c', 300), 3);
      expect(await ossCode(s.createInventory(row('d', 1), 3))).toBe('InvalidArgument');
      expect((await s.listInventories(b, undefined, 10)).map((r) => r.id)).toEqual(['a', 'b', 'c']);
      expect((await s.listInventories(b, 'a', 1)).map((r) => r.id)).toEqual(['b']);
      expect((await s.dueInventories(250, 10)).map((r) => r.id)).toEqual(['b', 'a']);
      expect(await s.claimInventoryRun(b, 'b', 100, 1100)).toBe(true);
      expect(await s.claimInventoryRun(b, 'b', 100, 1100)).toBe(false);
      expect((await s.getInventory(b, 'b'))?.nextRunAt).toBe(1100);
      expect(await s.deleteInventory(b, 'c')).toBe(true);
      expect(await s.deleteInventory(b, 'c')).toBe(false);
      await s.deleteBucket(b);
      await mkBucket(s);
      expect(await s.listInventories(b, undefined, 10)).toEqual([]);
    });
  });
}
