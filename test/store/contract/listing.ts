import { describe, expect, it } from 'vitest';
import type { ObjectStore } from '../../../src/store/object-store.js';
import { mkBucket, putText, useHarness } from './harness.js';
import { itIf, type MakeStore, type StoreCaps } from './harness.js';

/** Pages through a listing the way a client does and returns every entry (keys and prefixes) in order. */
async function listAll(
  s: ObjectStore,
  bucket: string,
  opts: { prefix?: string; delimiter?: string; maxKeys: number },
) {
  const keys: string[] = [];
  const prefixes: string[] = [];
  let after: string | undefined;
  let pages = 0;
  for (;;) {
    const page = await s.listObjects({ bucket, ...opts, ...(after === undefined ? {} : { after }) });
    pages += 1;
    expect(page.objects.length + page.commonPrefixes.length).toBeLessThanOrEqual(opts.maxKeys);
    keys.push(...page.objects.map((o) => o.key));
    prefixes.push(...page.commonPrefixes);
    if (!page.isTruncated) break;
    expect(page.nextAfter).toBeDefined();
    after = page.nextAfter;
  }
  return { keys, prefixes, pages };
}

const byteSort = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

export function listingContract(makeStore: MakeStore, caps: StoreCaps): void {
  const ctx = useHarness(makeStore);

  describe('listObjects', () => {
    it('pages 2,500 keys in byte order with prefix and after', async () => {
      const s = ctx.h.store;
      const b = await mkBucket(s);
      const objects = Array.from({ length: 2500 }, (_, i) => ({ key: `p/${String(i).padStart(5, '0')}` }));
      await s.seedObjects(b, [...objects, { key: 'q/other' }, { key: 'o' }]);
      const all = await listAll(s, b, { prefix: 'p/', maxKeys: 1000 });
      expect(all.pages).toBe(3);
      expect(all.keys).toEqual(objects.map((o) => o.key));
      const first = await s.listObjects({ bucket: b, prefix: 'p/', maxKeys: 1000 });
      expect(first.isTruncated).toBe(true);
      expect(first.nextAfter).toBe('p/00999');
      const tail = await s.listObjects({ bucket: b, prefix: 'p/', after: 'p/02497', maxKeys: 1000 });
      expect(tail.objects.map((o) => o.key)).toEqual(['p/02498', 'p/02499']);
      expect(tail.isTruncated).toBe(false);
      expect(tail.nextAfter).toBeUndefined();
      const exact = await s.listObjects({ bucket: b, prefix: 'p/', maxKeys: 500, after: 'p/01999' });
      expect(exact.objects.length).toBe(500);
      expect(exact.isTruncated).toBe(false);
      const beforePrefix = await s.listObjects({ bucket: b, prefix: 'p/', after: 'a', maxKeys: 1 });
      expect(beforePrefix.objects.map((o) => o.key)).toEqual(['p/00000']);
      const whole = await listAll(s, b, { maxKeys: 777 });
      expect(whole.keys.length).toBe(2502);
      expect(whole.keys[0]).toBe('o');
      expect(whole.keys.at(-1)).toBe('q/other');
    });

    itIf(caps.byteOrderListing)('groups common prefixes with a delimiter, across pages', async () => {
      const s = ctx.h.store;
      const b = await mkBucket(s);
      const keys = ['a.txt', 'd1/x', 'd1/y/z', 'd2/a', 'd3/', 'd3/b', 'e.txt', 'f/g/h'];
      for (let i = 0; i < 300; i += 1) keys.push(`d2/many/${i}`);
      await s.seedObjects(
        b,
        keys.map((key) => ({ key })),
      );
      const top = await s.listObjects({ bucket: b, delimiter: '/', maxKeys: 1000 });
      expect(top.objects.map((o) => o.key)).toEqual(['a.txt', 'e.txt']);
      expect(top.commonPrefixes).toEqual(['d1/', 'd2/', 'd3/', 'f/']);
      expect(top.isTruncated).toBe(false);
      const paged = await listAll(s, b, { delimiter: '/', maxKeys: 2 });
      expect(paged.keys).toEqual(['a.txt', 'e.txt']);
      expect(paged.prefixes).toEqual(['d1/', 'd2/', 'd3/', 'f/']);
      expect(paged.pages).toBe(3);
      const d2 = await s.listObjects({ bucket: b, prefix: 'd2/', delimiter: '/', maxKeys: 1000 });
      expect(d2.objects.map((o) => o.key)).toEqual(['d2/a']);
      expect(d2.commonPrefixes).toEqual(['d2/many/']);
      const d3 = await s.listObjects({ bucket: b, prefix: 'd3/', delimiter: '/', maxKeys: 1000 });
      expect(d3.objects.map((o) => o.key)).toEqual(['d3/', 'd3/b']);
      const resumed = await s.listObjects({ bucket: b, delimiter: '/', after: 'd2/', maxKeys: 1000 });
      expect(resumed.commonPrefixes).toEqual(['d3/', 'f/']);
      const multi = await s.listObjects({ bucket: b, delimiter: '/y/', prefix: 'd1', maxKeys: 10 });
      expect(multi.commonPrefixes).toEqual(['d1/y/']);
      expect(multi.objects.map((o) => o.key)).toEqual(['d1/x']);
    });

    itIf(caps.byteOrderListing)('orders by UTF-8 bytes, including keys beyond the BMP', async () => {
      const s = ctx.h.store;
      const b = await mkBucket(s);
      const keys = ['a', 'B', '~', 'é', '\uFF5E', '😀', 'a b', 'a+b', 'a/b', 'ab'];
      for (const key of keys) await putText(s, b, key, 'x');
      const page = await s.listObjects({ bucket: b, maxKeys: 1000 });
      expect(page.objects.map((o) => o.key)).toEqual([...keys].sort(byteSort));
      const paged = await listAll(s, b, { maxKeys: 3 });
      expect(paged.keys).toEqual([...keys].sort(byteSort));
      const pre = await s.listObjects({ bucket: b, prefix: 'a', maxKeys: 1000 });
      expect(pre.objects.map((o) => o.key)).toEqual(['a', 'a b', 'a+b', 'a/b', 'ab']);
    });

    it('returns an empty, untruncated page for an empty range', async () => {
      const s = ctx.h.store;
      const b = await mkBucket(s);
      await putText(s, b, 'k', 'v');
      const page = await s.listObjects({ bucket: b, prefix: 'zz', maxKeys: 10 });
      expect(page).toMatchObject({ objects: [], commonPrefixes: [], isTruncated: false });
    });
  });
}
