import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, dropDatabase, PG_SKIP, pgUrl, uniqueDbName } from '../../db/backends.js';
import { parseDatabaseUrl } from '../../../src/db/database-url.js';
import { createSqliteBucketCatalog } from '../../../src/db/sqlite/bucket-catalog.js';
import { openSqlite } from '../../../src/db/sqlite/index.js';
import { startTestServer, type LooseOss, type TestServer } from '../../helpers/server.js';
import { STORE_KEY } from './remote-harness.js';

/**
 * `--db postgres://… --store oss+http://…`: jobs, IAM and the bucket catalog in PostgreSQL, objects in the
 * remote store; a restart on the same database keeps them all, and a catalog an older version kept in the
 * data dir's SQLite file moves into PostgreSQL.
 */
const title = PG_SKIP ? `remote store on PostgreSQL (skipped: ${PG_SKIP})` : 'remote store on PostgreSQL';

describe.skipIf(PG_SKIP !== undefined)(title, () => {
  const dbName = uniqueDbName('remote_store');
  let back: TestServer;
  let frontDir: string;

  beforeAll(async () => {
    await createDatabase(dbName);
    back = await startTestServer({
      config: { rootAccessKeyId: STORE_KEY.id, rootAccessKeySecret: STORE_KEY.secret },
    });
    frontDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-front-pg-'));
  });
  afterAll(async () => {
    await back?.close();
    fs.rmSync(frontDir, { recursive: true, force: true });
    await dropDatabase(dbName);
  });

  const startFront = (dataDir = frontDir) =>
    startTestServer({
      dataDir,
      config: {
        db: parseDatabaseUrl(pgUrl(dbName)),
        store: `oss+http://127.0.0.1:${back.port}`,
        storeAccessKeyId: STORE_KEY.id,
        storeAccessKeySecret: STORE_KEY.secret,
        rootAccessKeyId: 'LTAIpgfront00000001',
        rootAccessKeySecret: 'pg-front-secret-00000000000000000001',
      },
    });

  it('serves remote objects and keeps the bucket catalog across a restart', async () => {
    let front = await startFront();
    try {
      const root: LooseOss = front.anyClient({ v4: true });
      await root.putBucket('pg-remote');
      await root.putBucketACL('pg-remote', 'public-read');
      const c: LooseOss = front.anyClient({ bucket: 'pg-remote' });
      await c.put('k.txt', Buffer.from('on pg'));
      expect((await back.server.store.headObject('pg-remote', 'k.txt'))?.size).toBe(5);
    } finally {
      await front.close();
    }
    front = await startFront();
    try {
      const info = await front.server.store.getBucket('pg-remote');
      expect(info).toMatchObject({ owner: front.root.accountId, acl: 'public-read' });
      const c: LooseOss = front.anyClient({ bucket: 'pg-remote' });
      expect(((await c.get('k.txt')) as { content: Buffer }).content.toString()).toBe('on pg');
    } finally {
      await front.close();
    }
  });

  it('moves the bucket catalog an older version kept in the data dir into PostgreSQL, ACL and policy kept', async () => {
    const oldDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-front-old-'));
    const otherDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-front-other-'));
    const policy = '{"Version":"1","Statement":[]}';
    try {
      // Before the catalog moved into the Backend, a PostgreSQL node kept it in its data dir (migration 011).
      await back.anyClient().putBucket('legacy-acl');
      const file = path.join(oldDir, 'ossbatch.db');
      let db = openSqlite(file);
      await createSqliteBucketCatalog(db).insert({
        name: 'legacy-acl',
        owner: 'legacy-owner',
        acl: 'public-read',
        storageClass: 'Standard',
        region: 'cn-hangzhou',
        createdAt: 1_600_000_000_000,
        policy,
      });
      db.close();
      const front = await startFront(oldDir);
      try {
        const other = await startFront(otherDir);
        try {
          // Another node, another data dir: it reads the moved row from PostgreSQL.
          expect(await other.server.store.getBucket('legacy-acl')).toMatchObject({
            owner: 'legacy-owner',
            acl: 'public-read',
            policy,
            createdAt: 1_600_000_000_000,
          });
        } finally {
          await other.close();
        }
      } finally {
        await front.close();
      }
      db = openSqlite(file);
      try {
        expect(await createSqliteBucketCatalog(db).list()).toEqual([]);
      } finally {
        db.close();
      }
    } finally {
      fs.rmSync(oldDir, { recursive: true, force: true });
      fs.rmSync(otherDir, { recursive: true, force: true });
    }
  });
});
