/**
 * Issue 7: a database that cannot be used (bad --db URL, a host or port nobody answers on, a missing
 * database, a refused login) is one line naming the problem, exit 2, for `ossbatch server` and `ossbatch ram`
 * alike: never wrapped twice ("cannot open database …: cannot connect …"), never the password. And `ossbatch
 * ram --db` on an empty PostgreSQL database refuses, as on an empty data dir, and writes nothing there.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, runOssbatch } from '../helpers/cli-process.js';
import { startFakePg, type FakePg } from '../helpers/pg-login-refuser.js';
import {
  createDatabase,
  dropDatabase,
  PG_HOST,
  PG_PORT,
  PG_SKIP,
  pgUrl,
  uniqueDbName,
} from '../db/backends.js';

const SECRET = 'hunter2-never-shown';
let tmp: string;
let refuser: FakePg;
let silent: FakePg;
let deadPort: number;

beforeAll(async () => {
  ensureBuilt();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-db-errors-'));
  refuser = await startFakePg();
  silent = await startFakePg({ silent: true });
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  deadPort = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
}, 120_000);
afterAll(async () => {
  await refuser?.close();
  await silent?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Both commands with `--db url`: each must print exactly `ossbatch: <line>` on stderr and exit 2. */
async function expectRefusedEverywhere(url: string, line: string): Promise<void> {
  const dataDir = path.join(tmp, `d-${Math.random().toString(36).slice(2)}`);
  const [server, ram] = await Promise.all([
    runOssbatch(['server', '--port', '0', '--log-level', 'warn', '--data-dir', dataDir, '--db', url], {
      env: cleanEnv(),
    }),
    runOssbatch(['ram', 'list-users', '--data-dir', dataDir, '--db', url], { env: cleanEnv() }),
  ]);
  for (const [name, r] of [
    ['server', server],
    ['ram', ram],
  ] as const) {
    expect({ name, status: r.status, stderr: r.stderr, stdout: r.stdout }).toEqual({
      name,
      status: 2,
      stderr: `ossbatch: ${line}\n`,
      stdout: '',
    });
    expect(r.stderr).not.toContain(SECRET);
  }
}

const pgAt = (host: string, port: number, db = 'somedb', user = 'alice'): string =>
  `postgres://${user}:${SECRET}@${host}:${port}/${db}`;

describe('a --db URL that cannot work', () => {
  it.each([
    ['0', '0'],
    ['-1', '-1'],
    ['abc', 'abc'],
    ['10000', '10000'],
    ['1.5', '1.5'],
    ['', ''],
  ])('?pool_size=%s is refused with its bounds', async (value, shown) => {
    await expectRefusedEverywhere(
      `${pgAt('127.0.0.1', 5432)}?pool_size=${value}`,
      `invalid --db: pool_size must be an integer from 1 to 200 (got ${shown})`,
    );
  });

  it('an unknown URL parameter is refused, not silently ignored (sslmode would promise TLS)', async () => {
    await expectRefusedEverywhere(
      `${pgAt('127.0.0.1', 5432)}?pool_size=5&sslmode=require`,
      'invalid --db: unsupported URL parameter sslmode (supported: pool_size)',
    );
  });

  it('port 0 and a malformed %-escape are refused before connecting', async () => {
    await expectRefusedEverywhere(
      pgAt('127.0.0.1', 0),
      'invalid --db: port 0 is not a PostgreSQL port (1 to 65535; default 5432)',
    );
    await expectRefusedEverywhere(
      `postgres://alice:${SECRET}%ZZ@127.0.0.1:5432/db`,
      "invalid --db: the URL's password holds a malformed %-escape",
    );
  });
});

describe('a database that cannot be reached or logged into', () => {
  it('a port nobody listens on', async () => {
    await expectRefusedEverywhere(
      pgAt('127.0.0.1', deadPort),
      `cannot connect to PostgreSQL at 127.0.0.1:${deadPort}/somedb as alice: connection refused`,
    );
  });

  it('a host that does not exist', async () => {
    await expectRefusedEverywhere(
      pgAt('no-such-host.invalid', 5432),
      'cannot connect to PostgreSQL at no-such-host.invalid:5432/somedb as alice: host not found',
    );
  });

  it('a host that accepts the connection and never answers (5 s connect timeout)', async () => {
    await expectRefusedEverywhere(
      pgAt('127.0.0.1', silent.port),
      `cannot connect to PostgreSQL at 127.0.0.1:${silent.port}/somedb as alice: connection timed out`,
    );
  });

  it('a wrong password', async () => {
    await expectRefusedEverywhere(
      pgAt('127.0.0.1', refuser.port),
      `cannot connect to PostgreSQL at 127.0.0.1:${refuser.port}/somedb as alice: password authentication failed for user "alice"`,
    );
  });

  it.skipIf(PG_SKIP !== undefined)('a database that does not exist, and a user that does not', async () => {
    await expectRefusedEverywhere(
      pgAt(PG_HOST, PG_PORT, 'no_such_ossbatch_db', 'postgres'),
      `cannot connect to PostgreSQL at ${PG_HOST}:${PG_PORT}/no_such_ossbatch_db as postgres: database "no_such_ossbatch_db" does not exist`,
    );
    await expectRefusedEverywhere(
      pgAt(PG_HOST, PG_PORT, 'postgres', 'nobody_here'),
      `cannot connect to PostgreSQL at ${PG_HOST}:${PG_PORT}/postgres as nobody_here: role "nobody_here" does not exist`,
    );
  });
});

describe.skipIf(PG_SKIP !== undefined)(
  `ossbatch ram on an empty PostgreSQL database${PG_SKIP === undefined ? '' : ` (skipped: ${PG_SKIP})`}`,
  () => {
    const name = uniqueDbName('ram_empty');
    beforeAll(() => createDatabase(name));
    afterAll(() => dropDatabase(name));

    it.each([['list-users'], ['show-root-key'], ['rotate-root-key'], ['create-user', '--user-name', 'x']])(
      'ram %s refuses with exit 2, and the database still holds no table',
      async (...args: string[]) => {
        const url = `postgres://postgres:${SECRET}@${PG_HOST}:${PG_PORT}/${name}`;
        const shown = `postgres://postgres@${PG_HOST}:${PG_PORT}/${name}`;
        const r = await runOssbatch(['ram', ...args, '--db', url]);
        expect(r.status).toBe(2);
        expect(r.stdout).toBe('');
        expect(r.stderr).toBe(
          `ossbatch: ${shown} holds no ossbatch database; start a server with --db ${shown} first\n`,
        );
        const sql = new pg.Client({ connectionString: pgUrl(name) });
        await sql.connect();
        try {
          const tables = await sql.query(
            "SELECT tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
          );
          expect(tables.rows).toEqual([]);
        } finally {
          await sql.end();
        }
      },
    );
  },
);
