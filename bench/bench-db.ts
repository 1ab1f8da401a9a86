/**
 * `--db <url>` for the benches: the database the bench's server uses (default: embedded SQLite in the
 * bench's temp data dir). A PostgreSQL URL that names no database (`postgres://postgres@127.0.0.1:5432`)
 * makes the bench create `ossbatch_bench_<random>` on that server and drop it at the end; a URL that names
 * one uses it as given (it must be empty: the bench creates its role and policy there).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { parseDatabaseUrl, type DatabaseUrl } from '../dist/db/database-url.js';

export interface BenchDb {
  readonly db: DatabaseUrl;
  /** For the human-readable output (no password). */
  readonly label: string;
  drop(): Promise<void>;
}

async function admin(server: URL, sql: string): Promise<void> {
  const maintenance = new URL(server.href);
  maintenance.pathname = '/postgres';
  const c = new pg.Client({ connectionString: maintenance.href });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

export async function openBenchDb(raw: string | undefined): Promise<BenchDb> {
  if (raw === undefined) return { db: { kind: 'sqlite' }, label: 'sqlite (embedded)', drop: async () => {} };
  const url = new URL(raw);
  if (url.pathname !== '' && url.pathname !== '/') {
    return { db: parseDatabaseUrl(raw), label: `postgres ${url.host}${url.pathname}`, drop: async () => {} };
  }
  const name = `ossbatch_bench_${randomBytes(4).toString('hex')}`;
  await admin(url, `CREATE DATABASE ${name}`);
  const own = new URL(url.href);
  own.pathname = `/${name}`;
  return {
    db: parseDatabaseUrl(own.href),
    label: `postgres ${url.host}/${name} (created; dropped at the end)`,
    drop: () => admin(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
