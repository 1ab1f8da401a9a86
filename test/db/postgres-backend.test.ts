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
import { LZ4_AVAILABLE, SET_LZ4, shardCompressionNotes } from '../../src/db/postgres/shard-compression.js';
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

const LZ4_SUPPORTED = `SELECT ${LZ4_AVAILABLE} AS lz4`;

/** shard_pieces.bytes' own compression setting: 'l' (lz4), 'p' (pglz) or '' (the server's default). */
async function columnCompression(database: string): Promise<string | undefined> {
  const [row] = await queryRows<{ method: string }>(
    database,
    "SELECT attcompression::text AS method FROM pg_attribute WHERE attrelid = 'shard_pieces'::regclass AND attname = 'bytes'",
  );
  return row?.method;
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

  it('stores report pieces LZ4-compressed where the server has lz4, and says so at start (migration 6)', async (ctx) => {
    const name = await freshDatabase();
    const b = await open(pgUrl(name));
    const [server] = await queryRows<{ lz4: boolean }>(name, LZ4_SUPPORTED);
    if (server?.lz4 !== true) {
      // PostgreSQL 13, or a server built without lz4: the column keeps the default, and the start says why.
      expect(await b.startupNotes()).toEqual([{ level: 'info', msg: expect.stringContaining('has no lz4') }]);
      return ctx.skip();
    }
    // The column's own setting, whatever the server's default_toast_compression.
    expect(await columnCompression(name)).toBe('l');
    expect(await b.startupNotes()).toEqual([]);
    const ref = { jobId: 'j', chunkIndex: 0, attempt: 1 };
    const writer = await b.shards.openWriter(ref, { attempt: 0, bytes: 0 });
    const rows = Array.from({ length: 2000 }, (_, i) => `bench,obj-${i},,succeeded,200,,\n`).join('');
    writer.append(Buffer.from(rows));
    await writer.flush();
    await writer.close();
    const [piece] = await queryRows<{ method: string | null }>(
      name,
      'SELECT pg_column_compression(bytes) AS method FROM shard_pieces',
    );
    expect(piece?.method).toBe('lz4');
    const back: Buffer[] = [];
    for await (const part of b.shards.readCommitted(ref, Buffer.byteLength(rows))) back.push(part);
    expect(Buffer.concat(back).toString()).toBe(rows);
  });

  it('migration 6 gives up waiting for its lock after 5 s, and every start warns with the fix until it is applied', async (ctx) => {
    const name = await freshDatabase();
    const [server] = await queryRows<{ lz4: boolean }>(name, LZ4_SUPPORTED);
    if (server?.lz4 !== true) return ctx.skip(); // no lz4 here: the migration never asks for the lock
    const pool = new pg.Pool({ connectionString: pgUrl(name), max: 1 });
    const holder = new pg.Client({ connectionString: pgUrl(name) });
    try {
      await migratePostgres(
        pool,
        PG_MIGRATIONS.filter((m) => m.id < 6),
      );
      // A reader's transaction (a long report read, a pg_dump) holds a lock the ALTER must wait for.
      await holder.connect();
      await holder.query('BEGIN');
      await holder.query('SELECT count(*) FROM shard_pieces');
      const started = Date.now();
      expect(await migratePostgres(pool)).toEqual([6]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(4_500);
      await holder.query('COMMIT');
      expect(await columnCompression(name)).toBe('');
      const b = await open(pgUrl(name));
      const notes = await b.startupNotes();
      expect(notes).toEqual([{ level: 'warn', msg: expect.stringContaining(SET_LZ4) }]);
      await pool.query(SET_LZ4);
      expect(await b.startupNotes()).toEqual([]);
    } finally {
      await holder.end().catch(() => undefined);
      await pool.end();
    }
  });

  it('says nothing about shard compression when it cannot ask (the start goes on)', async () => {
    const pool = new pg.Pool({ connectionString: pgUrl('postgres'), max: 1 });
    await pool.end();
    expect(await shardCompressionNotes(pool)).toEqual([]);
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
