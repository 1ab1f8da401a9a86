/**
 * Which backend the shared harnesses (server.ts, jobs-env.ts, engine/harness.ts, manifest-env.ts,
 * console-env.ts, the server-process tests) run on. vitest.config.ts runs the job, engine, HTTP-job, CLI
 * and console files twice, as the projects `sqlite` and `postgres`; the project sets
 * OSSBATCH_TEST_BACKEND, and every harness opens a fresh database through openTestDb() (PostgreSQL: a new
 * uniquely named database on 127.0.0.1:5432, dropped by drop()). A harness may also be told the backend
 * explicitly (two-backend tests).
 */
import { parseDatabaseUrl, type DatabaseUrl } from '../../src/db/database-url.js';
import { PG_SKIP, createDatabase, dropDatabase, pgUrl, uniqueDbName } from '../db/backends.js';

export type TestBackendName = 'sqlite' | 'postgres';

/** The backend of this vitest project (default sqlite: a file run without the projects config). */
export const TEST_BACKEND: TestBackendName =
  process.env['OSSBATCH_TEST_BACKEND'] === 'postgres' ? 'postgres' : 'sqlite';

export interface TestDb {
  readonly name: TestBackendName;
  /** The parsed --db value (sqlite: the embedded database in the data dir). */
  readonly db: DatabaseUrl;
  /** The `--db` argument a server or `ossbatch ram` process takes; undefined for sqlite. */
  readonly url: string | undefined;
  /** Drops the PostgreSQL database (after every backend on it is closed). Idempotent. */
  drop(): Promise<void>;
}

/** A fresh database for one harness. `tag` names the test file or harness in the PostgreSQL name. */
export async function openTestDb(tag: string, name: TestBackendName = TEST_BACKEND): Promise<TestDb> {
  if (name === 'sqlite') return { name, db: { kind: 'sqlite' }, url: undefined, drop: async () => {} };
  // vitest.config.ts leaves the postgres project out when PostgreSQL is unreachable (its placeholder
  // file reports the skip); reaching here without it is a misconfiguration worth a loud failure.
  if (PG_SKIP !== undefined) throw new Error(PG_SKIP);
  const database = uniqueDbName(tag);
  await createDatabase(database);
  const url = pgUrl(database);
  let dropped = false;
  return {
    name,
    db: parseDatabaseUrl(url),
    url,
    async drop() {
      if (dropped) return;
      dropped = true;
      await dropDatabase(database);
    },
  };
}
