/**
 * Two ossbatch nodes on one PostgreSQL database over one remote store (another ossbatch, embedded), each a
 * full server on its own socket and data dir (issue 8: the bucket catalog is shared). A bucket policy, a
 * public-read ACL or a DeleteBucket made on node A decides node B's answers within 1 s; tags, CORS rules and
 * inventory configurations set on A are served by B. Node B's bucket cache is given a 60 s TTL, so only the
 * catalog's `bucket-changed` NOTIFY can make the 1 s (as test/server/cross-node.test.ts does for RAM).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../../../src/db/database-url.js';
import { OffsetClock } from '../../../src/protocol/clock.js';
import type { Config } from '../../../src/config.js';
import { createDatabase, dropDatabase, PG_SKIP, pgUrl, uniqueDbName } from '../../db/backends.js';
import {
  createUserWithPolicy,
  rawRequest,
  startTestServer,
  type LooseOss,
  type TestServer,
} from '../../helpers/server.js';
import { STORE_KEY } from './remote-harness.js';

const WITHIN_MS = 1000;
const FRONT_ROOT = {
  rootAccessKeyId: 'LTAIclusterroot0001',
  rootAccessKeySecret: 'cluster-root-secret-000000000000001',
};
const title = PG_SKIP
  ? `bucket catalog shared by two nodes (skipped: ${PG_SKIP})`
  : 'bucket catalog shared by two nodes';

/** Polls `probe` every 10 ms until it returns true; returns the ms it took, or throws after `ms`. */
async function msUntil(what: string, probe: () => Promise<boolean>, ms = 5000): Promise<number> {
  const start = performance.now();
  for (;;) {
    if (await probe()) return performance.now() - start;
    if (performance.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const status = (p: Promise<unknown>): Promise<number> =>
  p.then(
    (r) => (r as { res?: { status: number }; status?: number }).res?.status ?? 200,
    (e: { status?: number }) => e.status ?? 0,
  );

describe.skipIf(PG_SKIP !== undefined)(title, () => {
  const dbName = uniqueDbName('catalog_cluster');
  let back: TestServer;
  let a: TestServer;
  let b: TestServer;
  // One clock for both nodes: the scheduled inventory test moves it a day ahead.
  const clock = new OffsetClock();

  beforeAll(async () => {
    await createDatabase(dbName);
    back = await startTestServer({
      backend: 'sqlite',
      config: { rootAccessKeyId: STORE_KEY.id, rootAccessKeySecret: STORE_KEY.secret },
    });
    const node = (extra: Partial<Config>) =>
      startTestServer({
        backend: 'sqlite',
        clock,
        config: {
          inventoryCheckMs: 20,
          db: parseDatabaseUrl(pgUrl(dbName)),
          store: `oss+http://127.0.0.1:${back.port}`,
          storeAccessKeyId: STORE_KEY.id,
          storeAccessKeySecret: STORE_KEY.secret,
          ...FRONT_ROOT,
          ...extra,
        },
      });
    a = await node({});
    b = await node({ bucketCacheMs: 60_000 });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await back?.close();
    await dropDatabase(dbName);
  });

  const bucketWith = async (name: string, key: string): Promise<void> => {
    await a.anyClient().putBucket(name);
    await a.anyClient({ bucket: name }).put(key, Buffer.from(`${name}/${key}`));
  };

  it('a bucket policy set on node A decides a request on node B within 1 s', async () => {
    await bucketWith('pol-shared', 'k.txt');
    const guest = await createUserWithPolicy(a, 'guest');
    const onB: LooseOss = b.anyClient({ bucket: 'pol-shared', ...guest });
    // B knows the user (RAM is shared too) and refuses it: no RAM policy, no bucket policy. B caches the bucket.
    await msUntil('node B to refuse the guest', async () => (await status(onB.get('k.txt'))) === 403);
    const policy = {
      Version: '1',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['oss:GetObject'],
          Principal: [guest.userId],
          Resource: ['acs:oss:*:*:pol-shared/*'],
        },
      ],
    };
    await a.anyClient().putBucketPolicy('pol-shared', policy);
    const took = await msUntil(
      'node B to honour the policy',
      async () => (await status(onB.get('k.txt'))) === 200,
    );
    expect(took).toBeLessThanOrEqual(WITHIN_MS);
    expect(((await onB.get('k.txt')) as { content: Buffer }).content.toString()).toBe('pol-shared/k.txt');
  });

  it('a public-read ACL set on node A lets an anonymous GET through node B within 1 s', async () => {
    await bucketWith('acl-shared', 'pub.txt');
    const anonymous = () => rawRequest(b.url, { path: '/acl-shared/pub.txt' });
    expect((await anonymous()).status).toBe(403);
    await a.anyClient().putBucketACL('acl-shared', 'public-read');
    const took = await msUntil('an anonymous GET on node B', async () => (await anonymous()).status === 200);
    expect(took).toBeLessThanOrEqual(WITHIN_MS);
    expect((await anonymous()).text).toBe('acl-shared/pub.txt');
  });

  it('DeleteBucket on node A: node B answers NoSuchBucket within 1 s', async () => {
    await bucketWith('del-shared', 'x.txt');
    const rootOnB: LooseOss = b.anyClient({ bucket: 'del-shared' });
    expect((await rootOnB.get('x.txt')).res.status).toBe(200);
    await a.anyClient({ bucket: 'del-shared' }).delete('x.txt');
    await a.anyClient().deleteBucket('del-shared');
    const took = await msUntil('NoSuchBucket on node B', async () => {
      const r = await rawRequest(b.url, { path: '/del-shared/x.txt' });
      return r.status === 404 && r.text.includes('<Code>NoSuchBucket</Code>');
    });
    expect(took).toBeLessThanOrEqual(WITHIN_MS);
    await expect(rootOnB.get('x.txt')).rejects.toMatchObject({ status: 404, code: 'NoSuchBucket' });
  });

  it('tags, CORS rules and inventory configurations set on node A are what node B serves', async () => {
    await bucketWith('cfg-shared', 'page.html');
    const onA: LooseOss = a.anyClient();
    const onB: LooseOss = b.anyClient();
    await onA.putBucketTags('cfg-shared', { team: 'web' });
    expect((await onB.getBucketTags('cfg-shared')).tag).toEqual({ team: 'web' });
    await onA.putBucketCORS('cfg-shared', [{ allowedOrigin: 'https://app.example', allowedMethod: 'GET' }]);
    const preflight = await rawRequest(b.url, {
      method: 'OPTIONS',
      path: '/cfg-shared/page.html',
      headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'GET' },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example');
    await onA.putBucketInventory('cfg-shared', {
      id: 'weekly',
      isEnabled: true,
      prefix: '',
      OSSBucketDestination: {
        format: 'CSV',
        accountId: a.root.accountId,
        rolename: 'AliyunOSSRole',
        bucket: 'cfg-shared',
        prefix: 'inv',
      },
      frequency: 'Weekly',
      includedObjectVersions: 'Current',
    });
    expect((await onB.getBucketInventory('cfg-shared', 'weekly')).inventory).toMatchObject({ id: 'weekly' });
    await onB.deleteBucketCORS('cfg-shared');
    const refused = await rawRequest(a.url, {
      method: 'OPTIONS',
      path: '/cfg-shared/page.html',
      headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'GET' },
    });
    expect(refused.status).toBe(403);
  });

  it('a due inventory configured on node B is run by the cluster into the remote store', async () => {
    await bucketWith('sched-src', 'o.txt');
    await a.anyClient().putBucket('sched-dest');
    await b.anyClient().putBucketInventory('sched-src', {
      id: 'daily',
      isEnabled: true,
      prefix: '',
      OSSBucketDestination: {
        format: 'CSV',
        accountId: a.root.accountId,
        rolename: 'AliyunOSSRole',
        bucket: 'sched-dest',
        prefix: 'inv',
      },
      frequency: 'Daily',
      includedObjectVersions: 'Current',
    });
    clock.advance(24 * 60 * 60 * 1000 + 60_000);
    // The files are in the remote store: read them from it directly.
    const dest = back.anyClient({ bucket: 'sched-dest' });
    let manifest: string | undefined;
    await msUntil('the scheduled run', async () => {
      const listed = (await dest.list({ prefix: 'inv/sched-src/daily/' }, {})) as {
        objects?: { name: string }[];
      };
      manifest = listed.objects?.find((o) => o.name.endsWith('/manifest.json'))?.name;
      return manifest !== undefined;
    });
    const parsed = JSON.parse(((await dest.get(manifest)) as { content: Buffer }).content.toString()) as {
      sourceBucket: string;
      files: unknown[];
    };
    expect(parsed).toMatchObject({ sourceBucket: 'sched-src' });
    expect(parsed.files).toHaveLength(1);
  });
});
