import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend, BucketCatalog, CatalogBucket, Notification } from '../../src/db/backend.js';
import { backendFactories, suiteTitle, type TestDatabase } from './backends.js';

/**
 * The BucketCatalog port (store/remote/bucket-catalog.ts) on every backend: rows, documents and inventory
 * configurations written through one Backend are read by another on the same database (another node), a
 * bucket's configuration goes with it, creates and schedule claims are exact under concurrency, and bucket
 * row changes publish `bucket-changed` (on PostgreSQL to every node).
 */
const BACKENDS = backendFactories('bucket_catalog');
afterAll(async () => {
  for (const f of BACKENDS) await f.dropAll();
});

const bucket = (name: string, extra: Partial<CatalogBucket> = {}): CatalogBucket => ({
  name,
  owner: '1234567890',
  acl: 'private',
  storageClass: 'Standard',
  region: 'cn-hangzhou',
  createdAt: 1_700_000_000_000,
  policy: null,
  ...extra,
});

const inv = (b: string, id: string, nextRunAt = 1000) => ({
  bucket: b,
  id,
  document: `{"id":"${id}"}`,
  nextRunAt,
});

/** Every `bucket-changed` the backend delivers, in arrival order. */
function record(b: Backend, name: string): string[] {
  const seen: string[] = [];
  b.notifications.subscribe((n: Notification) => {
    if (n.kind === 'bucket-changed' && n.bucket === name) seen.push(n.bucket);
  });
  return seen;
}

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

for (const factory of BACKENDS) {
  describe.skipIf(factory.skip !== undefined)(suiteTitle(factory, 'BucketCatalog contract'), () => {
    let db: TestDatabase;
    let a: BucketCatalog;
    let b: BucketCatalog;
    let nodeB: Backend;
    beforeAll(async () => {
      db = await factory.open();
      nodeB = await db.another();
      a = db.backend.bucketCatalog;
      b = nodeB.bucketCatalog;
    });

    it('rows: insert once, read back on another backend, list in byte order, ACL and policy updates', async () => {
      // Byte order puts `a-c` before `ab` ('-' is 0x2d); a locale collation ignoring '-' would not.
      for (const name of ['ab', 'a-c', 'a0']) expect(await a.insert(bucket(name))).toBe(true);
      expect(await a.insert(bucket('ab', { owner: 'someone-else' }))).toBe(false);
      expect((await b.list()).map((r) => r.name)).toEqual(['a-c', 'a0', 'ab']);
      expect(await b.get('ab')).toEqual(bucket('ab'));
      expect(await a.setAcl('ab', 'public-read')).toBe(true);
      expect(await a.setPolicy('ab', '{"Version":"1"}')).toBe(true);
      expect(await b.get('ab')).toMatchObject({ acl: 'public-read', policy: '{"Version":"1"}' });
      expect(await b.setPolicy('ab', null)).toBe(true);
      expect((await a.get('ab'))?.policy).toBeNull();
      expect(await a.setAcl('nope', 'private')).toBe(false);
      expect(await a.setPolicy('nope', null)).toBe(false);
      expect(await a.get('nope')).toBeUndefined();
      for (const name of ['ab', 'a-c', 'a0']) await b.remove(name);
      await b.remove('nope');
      expect(await a.list()).toEqual([]);
    });

    it('documents: set, replace, delete; refused for an unknown bucket; gone with the bucket', async () => {
      await a.insert(bucket('docs'));
      expect(await a.getDocument('docs', 'cors')).toBeUndefined();
      expect(await a.setDocument('docs', 'cors', '{"rules":[]}')).toBe(true);
      expect(await a.setDocument('docs', 'tags', '[1]')).toBe(true);
      expect(await b.setDocument('docs', 'tags', '[2]')).toBe(true);
      expect(await a.getDocument('docs', 'tags')).toBe('[2]');
      expect(await b.getDocument('docs', 'cors')).toBe('{"rules":[]}');
      expect(await a.setDocument('docs', 'cors', null)).toBe(true);
      expect(await b.getDocument('docs', 'cors')).toBeUndefined();
      expect(await a.setDocument('ghost', 'tags', '[]')).toBe(false);
      expect(await a.setDocument('ghost', 'tags', null)).toBe(false);
      expect(await a.getDocument('ghost', 'tags')).toBeUndefined();
      await a.inventories.create(inv('docs', 'i1'), 10);
      await b.remove('docs');
      await a.insert(bucket('docs'));
      expect(await a.getDocument('docs', 'tags')).toBeUndefined();
      expect(await a.inventories.list('docs', undefined, 10)).toEqual([]);
      expect(await a.inventories.due(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
      await a.remove('docs');
    });

    it('inventories: create outcomes, id order, due order, compare-and-set claims, delete', async () => {
      await a.insert(bucket('inv'));
      const i = a.inventories;
      expect(await i.create(inv('inv', 'b', 100), 3)).toBe('created');
      expect(await i.create(inv('inv', 'a', 200), 3)).toBe('created');
      expect(await i.create(inv('inv', 'a', 1), 3)).toBe('exists');
      expect(await i.create(inv('inv', 'C', 300), 3)).toBe('created');
      expect(await i.create(inv('inv', 'd', 1), 3)).toBe('full');
      expect(await i.create(inv('ghost', 'x', 1), 3)).toBe('no-bucket');
      // Byte order: upper case before lower case.
      expect((await b.inventories.list('inv', undefined, 10)).map((r) => r.id)).toEqual(['C', 'a', 'b']);
      expect((await b.inventories.list('inv', 'C', 1)).map((r) => r.id)).toEqual(['a']);
      expect(await b.inventories.get('inv', 'a')).toEqual(inv('inv', 'a', 200));
      expect((await b.inventories.due(250, 10)).map((r) => r.id)).toEqual(['b', 'a']);
      expect(await b.inventories.claim('inv', 'b', 100, 1100)).toBe(true);
      expect(await a.inventories.claim('inv', 'b', 100, 1100)).toBe(false);
      expect((await a.inventories.get('inv', 'b'))?.nextRunAt).toBe(1100);
      expect(await b.inventories.delete('inv', 'C')).toBe(true);
      expect(await a.inventories.delete('inv', 'C')).toBe(false);
      await a.remove('inv');
    });

    it('two backends creating and claiming at once: never past the limit, each run claimed once', async () => {
      await a.insert(bucket('race'));
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, n) =>
          (n % 2 === 0 ? a : b).inventories.create(inv('race', `i${n}`), 5),
        ),
      );
      expect(outcomes.filter((o) => o === 'created')).toHaveLength(5);
      expect(outcomes.filter((o) => o === 'full')).toHaveLength(15);
      const [first] = await a.inventories.list('race', undefined, 1);
      const claims = await Promise.all(
        Array.from({ length: 10 }, (_, n) =>
          (n % 2 === 0 ? a : b).inventories.claim('race', first!.id, first!.nextRunAt, 5000 + n),
        ),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      await a.remove('race');
    });

    it('bucket row changes publish bucket-changed (PostgreSQL: to every node)', async () => {
      const own = record(db.backend, 'noisy');
      const other = record(nodeB, 'noisy');
      await a.insert(bucket('noisy'));
      await a.setAcl('noisy', 'public-read');
      await a.setPolicy('noisy', '{}');
      await a.remove('noisy');
      await until('4 notifications on the writer', () => own.length >= 4, 1000);
      expect(own).toHaveLength(4);
      if (factory.name === 'postgres') {
        // The bound for a change made on one node to reach the others.
        await until('4 notifications on the other node', () => other.length >= 4, 1000);
        expect(other).toHaveLength(4);
      }
    });
  });
}
