/**
 * A data dir whose `ossbatch.db` cannot be used (garbage bytes, a truncated copy, a directory in its place,
 * no permission, written by a newer ossbatch) or that cannot be written is one line naming the file and what
 * to do, exit 2, for `ossbatch server` and `ossbatch ram` alike, and the file is left byte for byte as it was
 * (nothing "repaired"). The same refusal for a PostgreSQL database a newer ossbatch set up.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/db/migrations/index.js';
import { migratePostgres } from '../../src/db/postgres/migrate.js';
import { PG_MIGRATIONS } from '../../src/db/postgres/migrations/index.js';
import { migrate, openSqlite } from '../../src/db/sqlite/open.js';
import {
  cleanEnv,
  ensureBuilt,
  runOssbatch,
  startServerProcess,
  type CliResult,
} from '../helpers/cli-process.js';
import {
  createDatabase,
  dropDatabase,
  PG_HOST,
  PG_PORT,
  PG_SKIP,
  pgUrl,
  uniqueDbName,
} from '../db/backends.js';

const KEPT = 'ossbatch left it unchanged: restore it from a backup, or use another --data-dir';
const ACCESS = 'the user running ossbatch must be able to read and write it and its directory';
/** Root ignores file permissions: the permission cases run the commands as nobody then. */
const AS_OTHER = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

let tmp: string;
/** A data dir a real server created and stopped (SIGTERM: its WAL checkpointed into ossbatch.db). */
let realDir: string;

beforeAll(async () => {
  ensureBuilt();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-db-file-'));
  fs.chmodSync(tmp, 0o755);
  realDir = path.join(tmp, 'real');
  const server = await startServerProcess(['--port', '0', '--data-dir', realDir]);
  expect(await server.stop()).toBe(0);
}, 60_000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A fresh data dir holding a copy of the real one. */
function copyOfReal(name: string): string {
  const dir = path.join(tmp, name);
  fs.cpSync(realDir, dir, { recursive: true });
  return dir;
}

/** Every file under `dir` with its sha256: "left unchanged" means this is equal before and after. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (entry.isFile()) out[path.relative(dir, file)] = sha256(file);
  }
  return out;
}
const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

const ramArgs = (dataDir: string): string[] => [
  'ram',
  'create-user',
  '--user-name',
  'u',
  '--data-dir',
  dataDir,
];
const serverArgs = (dataDir: string): string[] => [
  'server',
  '--port',
  '0',
  '--log-level',
  'warn',
  '--data-dir',
  dataDir,
];

/** `ossbatch server` and a writing `ossbatch ram` command: each prints `ossbatch: <line>`, exit 2. */
async function expectRefused(
  dataDir: string,
  line: string,
  opts: { uid?: number; gid?: number; ramLine?: string } = {},
): Promise<void> {
  const before = fs.statSync(dataDir, { throwIfNoEntry: false })?.isDirectory() ? snapshot(dataDir) : {};
  const run = (args: string[]): Promise<CliResult> => runOssbatch(args, { env: cleanEnv(), ...opts });
  const [server, ram] = await Promise.all([run(serverArgs(dataDir)), run(ramArgs(dataDir))]);
  expect({ status: server.status, stderr: server.stderr, stdout: server.stdout }).toEqual({
    status: 2,
    stderr: `ossbatch: ${line}\n`,
    stdout: '',
  });
  expect({ status: ram.status, stderr: ram.stderr, stdout: ram.stdout }).toEqual({
    status: 2,
    stderr: `ossbatch: ${opts.ramLine ?? line}\n`,
    stdout: '',
  });
  if (fs.statSync(dataDir, { throwIfNoEntry: false })?.isDirectory())
    expect(snapshot(dataDir)).toEqual(before);
}

describe('an ossbatch.db that cannot be used', () => {
  it('garbage bytes: not an SQLite database', async () => {
    const dir = path.join(tmp, 'garbage');
    fs.mkdirSync(dir);
    const file = path.join(dir, 'ossbatch.db');
    fs.writeFileSync(file, Buffer.alloc(8192, 'not a database, just bytes '));
    await expectRefused(dir, `${file} is not an SQLite database (file is not a database); ${KEPT}`);
  });

  it('a truncated copy of a real database: damaged', async () => {
    const dir = copyOfReal('truncated');
    const file = path.join(dir, 'ossbatch.db');
    fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2));
    await expectRefused(dir, `${file} is damaged (database disk image is malformed); ${KEPT}`);
  });

  it('a database a newer ossbatch migrated: refused before any migration runs', async () => {
    const dir = copyOfReal('newer');
    const file = path.join(dir, 'ossbatch.db');
    const next = Math.max(...MIGRATIONS.map((m) => m.id)) + 1;
    const db = openSqlite(file);
    migrate(db, [...MIGRATIONS, { id: next, name: 'future', sql: 'CREATE TABLE future_things (x INTEGER)' }]);
    db.close();
    await expectRefused(
      dir,
      `${file} was written by a newer ossbatch (migration ${next} unknown to this version); ossbatch left ` +
        'it unchanged: run that newer version, or use another --data-dir',
    );
  });

  it('a directory where the file should be: cannot open', async () => {
    const dir = path.join(tmp, 'dir-in-place');
    const file = path.join(dir, 'ossbatch.db');
    fs.mkdirSync(file, { recursive: true });
    await expectRefused(dir, `cannot open ${file} (unable to open database file): ${ACCESS}`);
  });

  it('a file the user may not read or write', async () => {
    const dir = copyOfReal('no-access');
    const file = path.join(dir, 'ossbatch.db');
    fs.chmodSync(dir, 0o777);
    fs.chmodSync(file, 0o000);
    await expectRefused(dir, `cannot use ${file} (permission denied): ${ACCESS}`, AS_OTHER);
  });

  it('a file the user may read but not write (SQLite would open it read-only without a word)', async () => {
    const dir = copyOfReal('read-only');
    const file = path.join(dir, 'ossbatch.db');
    fs.chmodSync(dir, 0o777);
    fs.chmodSync(file, 0o444);
    await expectRefused(dir, `cannot use ${file} (permission denied): ${ACCESS}`, AS_OTHER);
  });
});

describe('a data dir that cannot be used', () => {
  it('a file, not a directory', async () => {
    const file = path.join(tmp, 'a-file');
    fs.writeFileSync(file, 'x');
    await expectRefused(file, `invalid --data-dir: ${file} is not a directory`);
    expect(fs.readFileSync(file, 'utf8')).toBe('x');
  });

  it('a directory the user may not write: the server cannot lock it, ram cannot open the database in it', async () => {
    const dir = copyOfReal('unwritable');
    // The file itself writable: the directory alone is in the way.
    fs.chmodSync(path.join(dir, 'ossbatch.db'), 0o666);
    fs.chmodSync(dir, 0o555);
    await expectRefused(
      dir,
      `cannot write the data directory ${dir} (permission denied): make it a directory the user running ` +
        'ossbatch can write, or use another --data-dir',
      {
        ...AS_OTHER,
        ramLine: `cannot write ${path.join(dir, 'ossbatch.db')} (attempt to write a readonly database): ${ACCESS}`,
      },
    );
  });
});

describe.skipIf(PG_SKIP !== undefined)(
  `a PostgreSQL database a newer ossbatch set up${PG_SKIP === undefined ? '' : ` (skipped: ${PG_SKIP})`}`,
  () => {
    const name = uniqueDbName('newer_schema');
    beforeAll(() => createDatabase(name));
    afterAll(() => dropDatabase(name));

    it('server and ram refuse with exit 2 and apply nothing', async () => {
      const next = Math.max(...PG_MIGRATIONS.map((m) => m.id)) + 1;
      const pool = new pg.Pool({ connectionString: pgUrl(name), max: 1 });
      try {
        // Set up as this version would, minus its last migration, plus one from the future.
        const older = PG_MIGRATIONS.slice(0, -1);
        await migratePostgres(pool, [...older, { id: next, name: 'future', sql: 'SELECT 1' }]);
        const dir = path.join(tmp, 'pg-newer');
        const line =
          `PostgreSQL database ${PG_HOST}:${PG_PORT}/${name} was written by a newer ossbatch (migration ` +
          `${next} unknown to this version); ossbatch left it unchanged: run that newer version, or use another --db`;
        const url = pgUrl(name);
        for (const args of [serverArgs(dir), ramArgs(dir)]) {
          const r = await runOssbatch([...args, '--db', url], { env: cleanEnv() });
          expect({ status: r.status, stderr: r.stderr }).toEqual({
            status: 2,
            stderr: `ossbatch: ${line}\n`,
          });
        }
        const ids = await pool.query<{ id: number }>('SELECT id FROM schema_migrations ORDER BY id');
        expect(ids.rows.map((r) => r.id)).toEqual([...older.map((m) => m.id), next]);
      } finally {
        await pool.end();
      }
    });
  },
);
