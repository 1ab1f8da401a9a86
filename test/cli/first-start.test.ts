/** Issue 11, safe first start: as a user meets it at the terminal (real `ossbatch` processes). */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClient, type LooseOss } from '../helpers/server.js';
import { ensureBuilt, runOssbatch, startServerProcess } from '../helpers/cli-process.js';
import { createBackend } from '../../src/db/backend.js';
import { parseDatabaseUrl } from '../../src/db/database-url.js';
import { createDatabase, dropDatabase, PG_SKIP, pgUrl, uniqueDbName } from '../db/backends.js';

let tmp: string;
beforeAll(() => {
  ensureBuilt();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-first-start-'));
}, 120_000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const keyOf = (text: string): { id: string; secret: string } => ({
  id: /AccessKeyId:\s+(\S+)/.exec(text)?.[1] ?? '',
  secret: /AccessKeySecret:\s+(\S+)/.exec(text)?.[1] ?? '',
});

async function busyPort(): Promise<{ port: number; close(): Promise<void> }> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as net.AddressInfo).port;
  return { port, close: () => new Promise((resolve) => srv.close(() => resolve())) };
}

describe('first start', () => {
  it('a start that fails on a busy port leaves no unseen key: the next successful start generates and shows it, once', async () => {
    const dataDir = path.join(tmp, 'busy');
    const busy = await busyPort();
    const failed = await runOssbatch(['server', '--port', String(busy.port), '--data-dir', dataDir]);
    await busy.close();
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain('already in use');
    expect(failed.stdout).not.toContain('AccessKeySecret');

    const first = await startServerProcess(['--port', '0', '--data-dir', dataDir]);
    const key = keyOf(first.stdout());
    expect(key.id).toMatch(/^LTAI/);
    expect(first.stdout()).toContain('shown only this once');
    const client: LooseOss = makeClient(
      first.port,
      { accessKeyId: key.id, secret: key.secret },
      { v4: true },
    );
    await client.putBucket('after-busy');
    expect(await first.stop()).toBe(0);

    const second = await startServerProcess(['--port', '0', '--data-dir', dataDir]);
    expect(second.stdout()).not.toContain('AccessKeySecret');
    expect(await second.stop()).toBe(0);
  }, 90_000);

  it('show-root-key prints the stored pair; rotate-root-key replaces it while the server runs', async () => {
    const dataDir = path.join(tmp, 'rotate');
    const server = await startServerProcess(['--port', '0', '--data-dir', dataDir]);
    try {
      const banner = keyOf(server.stdout());
      const shown = await runOssbatch(['ram', 'show-root-key', '--data-dir', dataDir]);
      expect(shown.status, shown.stderr).toBe(0);
      const view = JSON.parse(shown.stdout) as Record<string, string>;
      expect(view).toEqual({
        AccountId: expect.stringMatching(/^\d+$/),
        AccessKeyId: banner.id,
        AccessKeySecret: banner.secret,
      });

      const rotated = await runOssbatch(['ram', 'rotate-root-key', '--data-dir', dataDir]);
      expect(rotated.status, rotated.stderr).toBe(0);
      const next = JSON.parse(rotated.stdout) as Record<string, string>;
      expect(next.AccessKeyId).not.toBe(banner.id);
      expect(next.AccountId).toBe(view.AccountId);
      const fresh: LooseOss = makeClient(server.port, {
        accessKeyId: next.AccessKeyId!,
        secret: next.AccessKeySecret!,
      });
      await fresh.putBucket('rotated');
      const old: LooseOss = makeClient(server.port, { accessKeyId: banner.id, secret: banner.secret });
      await expect(old.listBuckets({})).rejects.toMatchObject({ code: 'InvalidAccessKeyId', status: 403 });
    } finally {
      await server.stop();
    }
  }, 90_000);

  it.each([['list-users'], ['show-root-key'], ['rotate-root-key'], ['create-user', '--user-name', 'x']])(
    'ram %s on a directory with no ossbatch database refuses with exit 2 and creates nothing',
    async (...args: string[]) => {
      const typo = path.join(tmp, 'typo');
      const r = await runOssbatch(['ram', ...args, '--data-dir', typo]);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([
        `ossbatch: ${typo} holds no ossbatch database; start the server first (ossbatch server --data-dir ${typo})`,
      ]);
      expect(fs.existsSync(typo)).toBe(false);
    },
  );
});

describe.skipIf(PG_SKIP !== undefined)(
  `root key commands on PostgreSQL${PG_SKIP === undefined ? '' : ` (skipped: ${PG_SKIP})`}`,
  () => {
    const name = uniqueDbName('first_start');
    // As a first server start does: `ossbatch ram` refuses a database no server has set up.
    beforeAll(async () => {
      await createDatabase(name);
      await (await createBackend({ db: parseDatabaseUrl(pgUrl(name)), dataDir: tmp })).close();
    });
    afterAll(() => dropDatabase(name));

    it('show-root-key and rotate-root-key take --db', async () => {
      const db = pgUrl(name);
      const shown = await runOssbatch(['ram', 'show-root-key', '--db', db]);
      expect(shown.status, shown.stderr).toBe(0);
      const first = JSON.parse(shown.stdout) as Record<string, string>;
      expect(first.AccessKeyId).toMatch(/^LTAI/);
      const again = JSON.parse((await runOssbatch(['ram', 'show-root-key', '--db', db])).stdout) as object;
      expect(again).toEqual(first);
      const rotated = JSON.parse(
        (await runOssbatch(['ram', 'rotate-root-key', '--db', db])).stdout,
      ) as Record<string, string>;
      expect(rotated.AccessKeyId).not.toBe(first.AccessKeyId);
      expect(rotated.AccountId).toBe(first.AccountId);
      const after = JSON.parse((await runOssbatch(['ram', 'show-root-key', '--db', db])).stdout) as object;
      expect(after).toEqual(rotated);
    }, 60_000);
  },
);
