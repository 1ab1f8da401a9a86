import pg from 'pg';
import type { DatabaseUrl } from '../database-url.js';

export type PgDatabaseUrl = Extract<DatabaseUrl, { kind: 'postgres' }>;

/**
 * Default pool size per node. One node's concurrent users of a connection are the engine's chunk workers
 * (each holds one only for a claim or a commit statement), the planner/settler, heartbeats and HTTP
 * handlers: 10 (node-postgres' own default) keeps them from queueing, and four nodes plus their LISTEN
 * clients (41 connections) stay well under PostgreSQL's default max_connections of 100.
 * Override with `?pool_size=N` on the --db URL.
 */
export const DEFAULT_POOL_SIZE = 10;
const MAX_POOL_SIZE = 200;

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

/** The pool size asked for by `?pool_size=` on the URL, else the default. */
export function poolSizeOf(db: PgDatabaseUrl): number {
  const raw = new URL(db.url).searchParams.get('pool_size');
  if (raw === null) return DEFAULT_POOL_SIZE;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_POOL_SIZE)
    throw new Error(`--db: pool_size must be an integer from 1 to ${MAX_POOL_SIZE} (got ${raw})`);
  return n;
}

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

/**
 * One line naming the problem and host:port/database, never the password (the CLI exits 2 with it).
 * Errors other than connection/authentication ones (a SQL error) are returned unchanged.
 */
export function connectionError(db: PgDatabaseUrl, e: unknown): Error {
  const err = e as { code?: string; message?: string };
  const code = err.code ?? '';
  // PostgreSQL's own messages for these name the user or database, never the password.
  let reason = /^(28|3D)/.test(code) ? err.message : REASONS[code];
  if (reason === undefined && /timeout/i.test(err.message ?? '')) reason = 'connection timed out';
  if (reason === undefined && /terminated|ECONNRESET/i.test(`${code} ${err.message ?? ''}`))
    reason = 'connection closed by the server';
  if (reason === undefined) return e instanceof Error ? e : new Error(String(e));
  return new Error(`cannot connect to PostgreSQL at ${describeTarget(db)} as ${db.user}: ${reason}`);
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
