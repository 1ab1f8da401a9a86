/**
 * The backends every contract suite loops over (ARCHITECTURE.md §7: `for (const backend of BACKENDS)`).
 * Each factory opens a fresh, empty database (SQLite: a new data dir; PostgreSQL: a new uniquely named
 * database on 127.0.0.1:5432, user postgres, trust auth), and can open a second Backend on that same
 * database (another process / node: its own connection or pool). `dropAll()` (afterAll) closes every
 * backend and removes every data dir and database the file created.
 *
 * PostgreSQL is probed once at load: when it is unreachable its suites are skipped with the reason in their
 * title (CI provides PostgreSQL and turns any skip into a failure).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createBackend, type Backend } from '../../src/db/backend.js';
import { parseDatabaseUrl } from '../../src/db/database-url.js';

export const PG_HOST = process.env['OSSBATCH_TEST_PG_HOST'] ?? '127.0.0.1';
export const PG_PORT = Number(process.env['OSSBATCH_TEST_PG_PORT'] ?? 5432);
const PG_USER = 'postgres';

/** One opened database: its first backend, and a way to open more backends (nodes) on it. */
export interface TestDatabase {
  readonly backend: Backend;
  /** Another Backend on the same database (its own connection / pool), closed by dropAll(). */
  another(): Promise<Backend>;
  /** The URL (postgres) or data dir (sqlite), for tests that start processes. */
  readonly location: string;
  /** The `--db` value a server or CLI on this database takes (undefined: embedded SQLite in the data dir). */
  readonly db: string | undefined;
}

export interface BackendFactory {
  readonly name: 'sqlite' | 'postgres';
  /** Why this backend's suites are skipped here; undefined when it is available. */
  readonly skip: string | undefined;
  /** A fresh, empty, migrated database. */
  open(): Promise<TestDatabase>;
  /** Closes every backend and removes every database this factory opened. Idempotent. */
  dropAll(): Promise<void>;
}

const adminClient = (): pg.Client =>
  new pg.Client({
    host: PG_HOST,
    port: PG_PORT,
    user: PG_USER,
    database: 'postgres',
    connectionTimeoutMillis: 3000,
  });

async function probePostgres(): Promise<string | undefined> {
  const c = adminClient();
  try {
    await c.connect();
    await c.query('SELECT 1');
    return undefined;
  } catch (e) {
    return `PostgreSQL unreachable at ${PG_HOST}:${PG_PORT} as ${PG_USER} (${(e as Error).message})`;
  } finally {
    await c.end().catch(() => undefined);
  }
}

export const PG_SKIP: string | undefined = await probePostgres();

/** A lowercase, unique database name: ossbatch_test_<file tag>_<random>. */
export function uniqueDbName(tag: string): string {
  const safe = tag
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 20);
  return `ossbatch_test_${safe}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

export async function createDatabase(name: string): Promise<void> {
  const c = adminClient();
  await c.connect();
  try {
    await c.query(`CREATE DATABASE ${name}`);
  } finally {
    await c.end();
  }
}

export async function dropDatabase(name: string): Promise<void> {
  const c = adminClient();
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await c.end();
  }
}

export const pgUrl = (database: string): string => `postgres://${PG_USER}@${PG_HOST}:${PG_PORT}/${database}`;

function sqliteFactory(): BackendFactory {
  const dirs: string[] = [];
  const opened: Backend[] = [];
  const openOn = async (dataDir: string): Promise<Backend> => {
    const b = await createBackend({ db: { kind: 'sqlite' }, dataDir });
    opened.push(b);
    return b;
  };
  return {
    name: 'sqlite',
    skip: undefined,
    async open() {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-db-'));
      dirs.push(dataDir);
      return {
        backend: await openOn(dataDir),
        another: () => openOn(dataDir),
        location: dataDir,
        db: undefined,
      };
    },
    async dropAll() {
      for (const b of opened.splice(0)) await b.close();
      for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
    },
  };
}

function postgresFactory(tag: string): BackendFactory {
  const databases: string[] = [];
  const opened: Backend[] = [];
  const openOn = async (url: string): Promise<Backend> => {
    const b = await createBackend({ db: parseDatabaseUrl(url), dataDir: os.tmpdir() });
    opened.push(b);
    return b;
  };
  return {
    name: 'postgres',
    skip: PG_SKIP,
    async open() {
      const name = uniqueDbName(tag);
      await createDatabase(name);
      databases.push(name);
      const url = pgUrl(name);
      return { backend: await openOn(url), another: () => openOn(url), location: url, db: url };
    },
    async dropAll() {
      for (const b of opened.splice(0)) await b.close();
      for (const d of databases.splice(0)) await dropDatabase(d);
    },
  };
}

/**
 * The list contract suites loop over. `tag` names the test file in its PostgreSQL database names.
 * Call once per test file and `afterAll(() => Promise.all(backends.map((b) => b.dropAll())))`.
 */
export function backendFactories(tag: string): BackendFactory[] {
  return [sqliteFactory(), postgresFactory(tag)];
}

/** Suite title: the backend's name, plus the skip reason when it is skipped. */
export const suiteTitle = (f: BackendFactory, what: string): string =>
  f.skip ? `${what} [${f.name}] (skipped: ${f.skip})` : `${what} [${f.name}]`;

/** Polls `probe` until it returns a value other than undefined, or fails after `ms`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  ms = 5000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
