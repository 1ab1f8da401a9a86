import pg from 'pg';
import { DatabaseConfigError } from '../database-error.js';
import type { DatabaseUrl } from '../database-url.js';

export type PgDatabaseUrl = Extract<DatabaseUrl, { kind: 'postgres' }>;

/** Connect timeout: an unreachable host fails start-up with one line within seconds, not the OS's minutes. */
const CONNECT_TIMEOUT_MS = 5_000;

const INT8_OID = 20;

/**
 * BIGINT (int8) columns and count(*) come back as JS numbers. Scoped to this pool (never pg.types.setTypeParser,
 * which is process-global): timestamps in ms and counters stay far below 2^53; anything beyond is refused.
 */
function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Error(`PostgreSQL returned ${text}, beyond a safe JS integer`);
  return n;
}

const builtinParser = pg.types.getTypeParser as (oid: number, format?: 'text' | 'binary') => unknown;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
    oid === INT8_OID ? parseInt8 : builtinParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Where the database is, for messages: never the password. */
export const describeTarget = (db: PgDatabaseUrl): string => `${db.host}:${db.port}/${db.database}`;

/** Client settings from the parsed URL (built field by field so no URL query option leaks into pg). */
export function clientConfig(db: PgDatabaseUrl): pg.ClientConfig {
  const password = new URL(db.url).password;
  return {
    host: db.host,
    port: db.port,
    database: db.database,
    user: db.user,
    ...(password === '' ? {} : { password: decodeURIComponent(password) }),
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'ossbatch',
    types,
  };
}

export function createPool(db: PgDatabaseUrl, size: number): pg.Pool {
  const pool = new pg.Pool({ ...clientConfig(db), max: size, idleTimeoutMillis: 30_000 });
  // An idle client losing its connection (server restart) must not crash the process: the pool drops it.
  pool.on('error', () => undefined);
  return pool;
}

/** pg / Node error codes mapped to the one phrase an operator needs. */
const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  '53300': 'too many connections',
  '57P03': 'the server is starting up or shutting down',
};

/** The pg error's first line, with the password cut out should a driver ever echo it. */
function firstLine(db: PgDatabaseUrl, message: string): string {
  const password = decodeURIComponent(new URL(db.url).password);
  const line = message.split('\n')[0] ?? '';
  return password === '' ? line : line.split(password).join('***');
}

/**
 * A connection or login failure as one line naming the problem, host:port/database and user, never the
 * password (a DatabaseConfigError: the CLI exits 2 with it). `connecting`: the error came from opening a
 * connection, so whatever it is, it is a connection problem; otherwise (a query, a migration) an error
 * that is not about the connection (a SQL error) is returned unchanged.
 */
export function connectionError(db: PgDatabaseUrl, e: unknown, connecting = false): Error {
  if (e instanceof DatabaseConfigError) return e;
  const err = e as { code?: string; message?: string };
  const code = err.code ?? '';
  const message = err.message ?? String(e);
  // PostgreSQL's own messages for these (28: bad login, 3D: no such database) name the user or database.
  let reason = /^(28|3D)/.test(code) ? firstLine(db, message) : REASONS[code];
  if (reason === undefined && /timeout/i.test(message)) reason = 'connection timed out';
  if (reason === undefined && /terminated|ECONNRESET/i.test(`${code} ${message}`))
    reason = 'connection closed by the server';
  if (reason === undefined && connecting) reason = firstLine(db, message);
  if (reason === undefined) return e instanceof Error ? e : new Error(String(e));
  return new DatabaseConfigError(
    `cannot connect to PostgreSQL at ${describeTarget(db)} as ${db.user}: ${reason}`,
  );
}

/** A queryable: the pool or one checked-out client (inside a transaction). */
export type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

/** Runs `fn` in one transaction on one client: COMMIT on success, ROLLBACK on any throw. */
export async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A client whose ROLLBACK failed (connection lost) is destroyed, never handed back to the pool mid-transaction.
  let broken = false;
  try {
    await client.query('BEGIN');
    const out = await fn(client);
    await client.query('COMMIT');
    return out;
  } catch (e) {
    broken = await client.query('ROLLBACK').then(
      () => false,
      () => true,
    );
    throw e;
  } finally {
    client.release(broken);
  }
}
