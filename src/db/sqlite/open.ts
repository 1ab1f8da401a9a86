import Database from 'better-sqlite3';
import { MIGRATIONS } from '../migrations/index.js';

export type SqliteDb = Database.Database;

/**
 * Opens the embedded database with the settings the numbers in ARCHITECTURE.md §4 assume: WAL (readers
 * never block the writer), synchronous=NORMAL (durable at checkpoints, ~3.5k fsynced commits/s is the
 * ceiling we design around by batching), and a busy timeout so the `ossbatch ram` CLI can write while
 * the server runs.
 */
export function openSqlite(file: string): SqliteDb {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}

/** Applies the numbered migrations not yet applied, each in its own transaction. Never edit a landed one. */
export function migrate(db: SqliteDb): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
  );
  const applied = new Set(
    (db.prepare('SELECT id FROM schema_migrations').all() as { id: number }[]).map((r) => r.id),
  );
  for (const m of MIGRATIONS) {
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
