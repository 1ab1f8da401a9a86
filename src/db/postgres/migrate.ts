import type pg from 'pg';
import { newerSchemaError, unknownMigrations } from '../database-error.js';
import { PG_MIGRATIONS, type PgMigration } from './migrations/index.js';

/**
 * The advisory lock key every ossbatch node takes while migrating (an arbitrary constant: the ASCII of
 * "ossb" = 0x6f737362; only ossbatch uses this database, so a collision with another app's key does not arise).
 */
const MIGRATION_LOCK_KEY = 0x6f737362;

const SQL = {
  lock: 'SELECT pg_advisory_lock($1)',
  unlock: 'SELECT pg_advisory_unlock($1)',
  table: `CREATE TABLE IF NOT EXISTS schema_migrations (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`,
  applied: 'SELECT id FROM schema_migrations',
  record: 'INSERT INTO schema_migrations (id, name, applied_at) VALUES ($1, $2, $3)',
} as const;

/**
 * Applies the migrations not yet applied, each in its own transaction, holding a session advisory lock on
 * one client for the whole run: nodes starting together queue on the lock and the later ones find every
 * migration recorded, so each is applied exactly once. Returns the ids applied by this call. A database that
 * records a migration this build does not know (a newer ossbatch set it up) is refused before anything is
 * applied; `where` names it in that message.
 */
export async function migratePostgres(
  pool: pg.Pool,
  migrations: readonly PgMigration[] = PG_MIGRATIONS,
  where = 'the PostgreSQL database',
): Promise<number[]> {
  const client = await pool.connect();
  const done: number[] = [];
  try {
    await client.query(SQL.lock, [MIGRATION_LOCK_KEY]);
    try {
      await client.query(SQL.table);
      const rows = (await client.query<{ id: number }>(SQL.applied)).rows;
      const applied = new Set(rows.map((r) => r.id));
      const unknown = unknownMigrations(applied, migrations);
      if (unknown.length > 0) throw newerSchemaError(where, unknown, 'use another --db');
      for (const m of migrations) {
        if (applied.has(m.id)) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query(SQL.record, [m.id, m.name, Date.now()]);
          await client.query('COMMIT');
        } catch (e) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw new Error(`PostgreSQL migration ${m.id} (${m.name}) failed: ${(e as Error).message}`, {
            cause: e,
          });
        }
        done.push(m.id);
      }
    } finally {
      await client.query(SQL.unlock, [MIGRATION_LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    // Destroyed, not pooled: should the unlock have failed, closing the session is what frees the lock.
    client.release(true);
  }
  return done;
}
