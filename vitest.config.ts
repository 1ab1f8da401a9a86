import pg from 'pg';
import { defineConfig } from 'vitest/config';

/**
 * Two projects (issue 7: "the existing job, engine, HTTP-job, CLI and console tests run on both
 * backends"). `sqlite` runs every file on the embedded database; `postgres` runs the files that go
 * through the shared harnesses again with OSSBATCH_TEST_BACKEND=postgres, each harness on a fresh
 * database at 127.0.0.1:5432 (test/helpers/test-backend.ts). The contract suites in test/db loop over both
 * backends themselves, so they run once, in `sqlite`.
 */
const PG_HOST = process.env['OSSBATCH_TEST_PG_HOST'] ?? '127.0.0.1';
const PG_PORT = Number(process.env['OSSBATCH_TEST_PG_PORT'] ?? 5432);

async function postgresUnreachable(): Promise<string | undefined> {
  const c = new pg.Client({ host: PG_HOST, port: PG_PORT, user: 'postgres', database: 'postgres' });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return undefined;
  } catch (e) {
    return `PostgreSQL unreachable at ${PG_HOST}:${PG_PORT} (${(e as Error).message})`;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** The files that run on both backends (through test/helpers/server.ts, jobs-env, engine/harness …). */
const BOTH_BACKENDS = [
  'test/jobs/**/*.test.ts',
  'test/engine/**/*.test.ts',
  'test/http/job-routing.test.ts',
  'test/cli/**/*.test.ts',
  'test/console/**/*.test.ts',
  'test/client/client.test.ts',
];
const SQLITE_ONLY = [
  // The SQLite job repo's own file format and restart behaviour; PostgreSQL's is in test/db's contracts.
  'test/jobs/sqlite-job-repo.test.ts',
  // No database involved: running them twice adds time and nothing else.
  'test/engine/manifest-rows.test.ts',
  'test/cli/output.test.ts',
  'test/cli/startup-weight.test.ts',
  // Database URL and connection errors: the backend under test is named by each case's own --db.
  'test/cli/database-errors.test.ts',
  'test/cli/database-file-errors.test.ts',
];

const skip = await postgresUnreachable();

export default defineConfig({
  test: {
    // Real sockets and real SQLite files: give slow CI machines room, but fail rather than hang.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'sqlite', include: ['test/**/*.test.ts'], env: { OSSBATCH_TEST_BACKEND: 'sqlite' } },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          // Unreachable: one placeholder file reports the skip and its reason (CI fails on skips).
          include: skip ? ['test/helpers/postgres-unreachable.skip-test.ts'] : BOTH_BACKENDS,
          exclude: SQLITE_ONLY,
          env: { OSSBATCH_TEST_BACKEND: 'postgres', ...(skip ? { OSSBATCH_TEST_PG_SKIP: skip } : {}) },
        },
      },
    ],
  },
});
