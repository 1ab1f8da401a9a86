import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, dropDatabase, PG_SKIP, pgUrl, uniqueDbName } from '../../db/backends.js';
import { parseDatabaseUrl } from '../../../src/db/database-url.js';
import { startTestServer, type LooseOss, type TestServer } from '../../helpers/server.js';
import { STORE_KEY } from './remote-harness.js';

/**
 * `--db postgres://… --store oss+http://…`: jobs and IAM in PostgreSQL, objects in the remote store, the
 * bucket catalog in the data dir's SQLite file; a restart on the same data dir and database keeps them all.
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

  const startFront = () =>
    startTestServer({
      dataDir: frontDir,
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
});
