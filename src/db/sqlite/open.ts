import Database from 'better-sqlite3';
import { newerSchemaError, unknownMigrations } from '../database-error.js';
import { MIGRATIONS, type Migration } from '../migrations/index.js';
import { refuseUnwritableFile, sqliteFileError } from './open-errors.js';

export type SqliteDb = Database.Database;

/**
 * WAL pages after which a commit checkpoints (SQLite's default is 1000). The checkpoint runs inside the
 * committing statement, on the event loop: at 1000 pages (~4 MB) one took ~25 ms every ~18 of the engine's
 * 1000-row batches (2.8 ms each), the longest stall a request waited behind. At 250 pages it is ~7 ms every
 * ~5 batches, about the same total. `npx tsx bench/jobs.ts --json`, alternating 1000/250 at load 6-7.5:
 * DescribeJob p99 96-141 vs 69-73 ms, loop delay p99 82-117 vs 54-58 ms, execute CPU 8.5-9.1 vs
 * 7.7-7.8 µs per task. Durability is unchanged (synchronous=NORMAL, the WAL is fsynced at checkpoints).
 */
export const WAL_AUTOCHECKPOINT_PAGES = 250;

/**
 * Opens the embedded database with the settings the numbers in ARCHITECTURE.md §4 assume: WAL (readers
 * never block the writer), synchronous=NORMAL (durable at checkpoints, ~3.5k fsynced commits/s is the
 * ceiling we design around by batching), and a busy timeout so the `ossbatch ram` CLI can write while
 * the server runs. A file that is not a database, damaged, unreadable or from a newer ossbatch is a
 * DatabaseConfigError naming it (open-errors.ts), and the connection is closed.
 */
export function openSqlite(file: string): SqliteDb {
  let db: SqliteDb | undefined;
  try {
    refuseUnwritableFile(file);
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    migrate(db);
    return db;
  } catch (e) {
    db?.close();
    throw sqliteFileError(e, file);
  }
}

/**
 * Applies the numbered migrations not yet applied, each in its own transaction. Never edit a landed one.
 * A database that records a migration this build does not know is refused before anything is applied.
 * `migrations`: tests pass a longer list to write a database as a newer ossbatch would.
 */
export function migrate(db: SqliteDb, migrations: readonly Migration[] = MIGRATIONS): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
  );
  const applied = new Set(
    (db.prepare('SELECT id FROM schema_migrations').all() as { id: number }[]).map((r) => r.id),
  );
  const unknown = unknownMigrations(applied, migrations);
  if (unknown.length > 0) throw newerSchemaError(db.name, unknown, 'use another --data-dir');
  for (const m of migrations) {
    if (applied.has(m.id)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)').run(
        m.id,
        m.name,
        Date.now(),
      );
    }).immediate();
  }
}
