/**
 * PostgreSQL-only behaviour of the backend: migrations under concurrency, connection errors (one line,
 * host:port/database, never the password), pool settings, the scoped BIGINT parser and how report pieces
 * are stored.
 */
import net from 'node:net';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../src/db/backend.js';
import { parseDatabaseUrl } from '../../src/db/database-url.js';
import { migratePostgres } from '../../src/db/postgres/migrate.js';
import { setWhereSupported } from '../../src/db/postgres/migrations/006-shard-lz4.js';
import { PG_MIGRATIONS } from '../../src/db/postgres/migrations/index.js';
import {
  createDatabase,
  dropDatabase,
  PG_HOST,
  PG_PORT,
  PG_SKIP,
  pgUrl,
  uniqueDbName,
  waitFor,
} from './backends.js';

const created: string[] = [];
const opened: Backend[] = [];
afterAll(async () => {
  for (const b of opened.splice(0)) await b.close();
  for (const d of created.splice(0)) await dropDatabase(d);
});

async function freshDatabase(): Promise<string> {
  const name = uniqueDbName('pg_backend');
  await createDatabase(name);
  created.push(name);
  return name;
}

const open = async (url: string): Promise<Backend> => {
  const b = await createBackend({ db: parseDatabaseUrl(url), dataDir: '.' });
  opened.push(b);
  return b;
};

/** A TCP port nothing listens on (bound, then closed). */
async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function queryRows<R extends pg.QueryResultRow>(database: string, sql: string): Promise<R[]> {
  const c = new pg.Client({ connectionString: pgUrl(database) });
  await c.connect();
  try {
    return (await c.query<R>(sql)).rows;
  } finally {
    await c.end();
  }
}

const title = PG_SKIP ? `PostgreSQL backend (skipped: ${PG_SKIP})` : 'PostgreSQL backend';

describe.skipIf(PG_SKIP !== undefined)(title, () => {
  it('three backends started at once on a fresh database migrate it exactly once', async () => {
    const name = await freshDatabase();
    const nodes = await Promise.all([0, 1, 2].map(() => open(pgUrl(name))));
    const rows = await queryRows<{ id: number; name: string }>(
      name,
      'SELECT id, name FROM schema_migrations ORDER BY id',
    );
    expect(rows).toEqual(PG_MIGRATIONS.map((m) => ({ id: m.id, name: m.name })));
    // Every node sees one schema: a job written on one is read on the others.
    await nodes[0]!.jobLeases.claim({ jobId: 'j', purpose: 'plan', owner: 'n0', now: 1, ttlMs: 10 });
    expect(await nodes[2]!.jobLeases.isHeld('j', 'plan', 5)).toBe(true);
  });

  it('concurrent migrate() calls apply each migration once between them, then nothing', async () => {
    const name = await freshDatabase();
    const pools = [0, 1, 2].map(() => new pg.Pool({ connectionString: pgUrl(name), max: 2 }));
    try {
      const applied = await Promise.all(pools.map((p) => migratePostgres(p)));
      expect(applied.flat().sort((x, y) => x - y)).toEqual(PG_MIGRATIONS.map((m) => m.id));
      expect(await migratePostgres(pools[0]!)).toEqual([]);
    } finally {
      for (const p of pools) await p.end();
    }
  });

  it('a failing migration is rolled back whole and not recorded', async () => {
    const name = await freshDatabase();
    const pool = new pg.Pool({ connectionString: pgUrl(name), max: 1 });
    try {
      const bad = [
        ...PG_MIGRATIONS,
        {
          id: 99,
          name: 'broken',
          sql: 'CREATE TABLE half_done (x int); SELECT no_such_column FROM half_done',
        },
      ];
      await expect(migratePostgres(pool, bad)).rejects.toThrow(
        /migration 99 \(broken\) failed: column "no_such_column"/,
      );
      const tables = await queryRows(name, "SELECT 1 FROM pg_tables WHERE tablename = 'half_done'");
      expect(tables).toEqual([]);
      expect(
        (await queryRows<{ id: number }>(name, 'SELECT id FROM schema_migrations')).map((r) => r.id).sort(),
      ).toEqual(PG_MIGRATIONS.map((m) => m.id));
    } finally {
      await pool.end();
    }
  });

  it('stores the report pieces a shard writer appends LZ4-compressed (migration 6)', async () => {
    const name = await freshDatabase();
    const b = await open(pgUrl(name));
    const ref = { jobId: 'j', chunkIndex: 0, attempt: 1 };
    const writer = await b.shards.openWriter(ref, { attempt: 0, bytes: 0 });
    const rows = Array.from({ length: 2000 }, (_, i) => `bench,obj-${i},,succeeded,200,,\n`).join('');
    writer.append(Buffer.from(rows));
    await writer.flush();
    await writer.close();
    const [piece] = await queryRows<{ method: string | null; stored: number; bytes: number }>(
      name,
      'SELECT pg_column_compression(bytes) AS method, pg_column_size(bytes) AS stored, length(bytes) AS bytes FROM shard_pieces',
    );
    expect(piece?.method).toBe('lz4');
    expect(piece!.stored).toBeLessThan(piece!.bytes / 2);
    const back: Buffer[] = [];
    for await (const part of b.shards.readCommitted(ref, Buffer.byteLength(rows))) back.push(part);
    expect(Buffer.concat(back).toString()).toBe(rows);
  });

  it('a compression setting the server cannot take leaves the migration applied; any other error fails it', async () => {
    const name = await freshDatabase();
    const pool = new pg.Pool({ connectionString: pgUrl(name), max: 1 });
    try {
      await migratePostgres(pool);
      // PostgreSQL 13 knows no SET COMPRESSION (a syntax error); a server built without lz4 refuses the
      // method with feature_not_supported, which FOR UPDATE over an aggregate raises as well.
      const tolerated = [
        {
          id: 97,
          name: 'no-set-compression',
          sql: setWhereSupported('ALTER TABLE shard_pieces ALTER bytes SET COMPRESSIONS lz4'),
        },
        { id: 98, name: 'no-lz4', sql: setWhereSupported('SELECT count(*) FROM shard_pieces FOR UPDATE') },
      ];
      expect(await migratePostgres(pool, [...PG_MIGRATIONS, ...tolerated])).toEqual([97, 98]);
      const other = {
        id: 99,
        name: 'bad-method',
        sql: setWhereSupported('ALTER TABLE shard_pieces ALTER bytes SET COMPRESSION lz5'),
      };
      await expect(migratePostgres(pool, [...PG_MIGRATIONS, ...tolerated, other])).rejects.toThrow(
        /migration 99 \(bad-method\) failed: invalid compression method "lz5"/,
      );
    } finally {
      await pool.end();
    }
  });

  it('an unreachable database fails with one line naming host:port/database, never the password', async () => {
    const port = await deadPort();
    const url = `postgres://postgres:hunter2@127.0.0.1:${port}/somedb`;
    const err = await createBackend({ db: parseDatabaseUrl(url), dataDir: '.' }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toBe(
      `cannot connect to PostgreSQL at 127.0.0.1:${port}/somedb as postgres: connection refused`,
    );
  });

  it('a missing database or an unknown user fails with one line from the server, never the password', async () => {
    const missing = await createBackend({
      db: parseDatabaseUrl(pgUrl('no_such_ossbatch_db')),
      dataDir: '.',
    }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(missing?.message).toBe(
      `cannot connect to PostgreSQL at ${PG_HOST}:${PG_PORT}/no_such_ossbatch_db as postgres: database "no_such_ossbatch_db" does not exist`,
    );
    const url = `postgres://nobody_here:s3cr3t@${PG_HOST}:${PG_PORT}/postgres`;
    const user = await createBackend({ db: parseDatabaseUrl(url), dataDir: '.' }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(user?.message).toMatch(
      new RegExp(
        `^cannot connect to PostgreSQL at ${PG_HOST}:${PG_PORT}/postgres as nobody_here: .*nobody_here`,
      ),
    );
    expect(user?.message).not.toContain('s3cr3t');
    expect(user?.message).not.toContain('\n');
  });

  it('survives the server dropping every connection: health recovers and the ports work again', async () => {
    const name = await freshDatabase();
    const b = await open(pgUrl(name));
    await b.nodes.heartbeat({ nodeId: 'n', storeKind: 'remote', startedAt: 1, now: 1 });
    const killed = await queryRows(
      name,
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    expect(killed.length).toBeGreaterThanOrEqual(2); // the pooled connection(s) and the LISTEN one
    // A query may meet a dead pooled connection once; the pool then connects afresh.
    await waitFor('health ok after the drop', async () => ((await b.health()).ok ? true : undefined));
    expect(await b.nodes.listLive(1, 0)).toHaveLength(1);
  });

  it('takes the pool size from ?pool_size= and refuses a bad one', async () => {
    const name = await freshDatabase();
    // Refused when the URL is parsed, before any connection (the CLI exits 2 on it).
    expect(() => parseDatabaseUrl(`${pgUrl(name)}?pool_size=0`)).toThrow(
      '--db: pool_size must be an integer from 1 to 200 (got 0)',
    );
    expect(parseDatabaseUrl(pgUrl(name))).toMatchObject({ poolSize: 10 });
    const b = await open(`${pgUrl(name)}?pool_size=2`);
    // More concurrent claims than connections: they queue on the pool and all complete.
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        b.nodes.heartbeat({ nodeId: `n${i}`, storeKind: 'remote', startedAt: i, now: 100 }),
      ),
    );
    expect(results).toHaveLength(10);
    expect(await b.nodes.listLive(100, 0)).toHaveLength(10);
  });

  it('parses BIGINT to numbers in its own pool only (pg’s global parser is untouched)', async () => {
    const name = await freshDatabase();
    const b = await open(pgUrl(name));
    await b.nodes.heartbeat({ nodeId: 'n', storeKind: 'remote', startedAt: 2 ** 40, now: 2 ** 41 });
    expect(await b.nodes.listLive(2 ** 41, 0)).toEqual([
      { nodeId: 'n', storeKind: 'remote', startedAt: 2 ** 40, seenAt: 2 ** 41 },
    ]);
    const [row] = await queryRows<{ n: unknown }>(name, 'SELECT count(*) AS n FROM nodes');
    expect(row?.n).toBe('1');
  });
});
