import type pg from 'pg';
import type { ConsoleSession, SessionRepo } from '../../console/session-repo.js';
import { inTransaction } from './pool.js';

interface SessionRow {
  session_id: string;
  access_key_id: string;
  csrf_token: string;
  created_at: number;
  expires_at: number;
}

/**
 * insert runs sweep + cap + insert in one transaction under a transaction advisory lock, so two nodes
 * signing users in at once cannot both see room under the cap (READ COMMITTED would let both count N-1).
 */
const SESSIONS_LOCK_KEY = 0x6f737373; // "osss"

const SQL = {
  lock: 'SELECT pg_advisory_xact_lock($1)',
  sweep: 'DELETE FROM console_sessions WHERE expires_at <= $1',
  count: 'SELECT count(*) AS n FROM console_sessions WHERE expires_at > $1',
  // Oldest first by (created_at, session_id): the ones dropped past the cap.
  trim: `DELETE FROM console_sessions WHERE session_id IN (
    SELECT session_id FROM console_sessions ORDER BY created_at, session_id LIMIT $1)`,
  insert: `INSERT INTO console_sessions (session_id, access_key_id, csrf_token, created_at, expires_at)
    VALUES ($1, $2, $3, $4, $5)`,
  get: 'SELECT session_id, access_key_id, csrf_token, created_at, expires_at FROM console_sessions WHERE session_id = $1',
  delete: 'DELETE FROM console_sessions WHERE session_id = $1',
} as const;

export function createPgSessionRepo(pool: pg.Pool): SessionRepo {
  const countLive = async (c: Pick<pg.Pool, 'query'>, now: number): Promise<number> =>
    (await c.query<{ n: number }>({ name: 'sessions.count', text: SQL.count, values: [now] })).rows[0]?.n ??
    0;
  return {
    async insert(session: ConsoleSession, now, maxSessions) {
      await inTransaction(pool, async (c) => {
        await c.query(SQL.lock, [SESSIONS_LOCK_KEY]);
        await c.query(SQL.sweep, [now]);
        const live = await countLive(c, now);
        if (live >= maxSessions) await c.query(SQL.trim, [live - maxSessions + 1]);
        const { id, accessKeyId, csrfToken, createdAt, expiresAt } = session;
        await c.query(SQL.insert, [id, accessKeyId, csrfToken, createdAt, expiresAt]);
      });
    },
    async get(id, now) {
      const row = (await pool.query<SessionRow>({ name: 'sessions.get', text: SQL.get, values: [id] }))
        .rows[0];
      if (!row) return undefined;
      if (row.expires_at <= now) {
        await pool.query(SQL.delete, [id]);
        return undefined;
      }
      return {
        id: row.session_id,
        accessKeyId: row.access_key_id,
        csrfToken: row.csrf_token,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
      };
    },
    async delete(id) {
      await pool.query(SQL.delete, [id]);
    },
    count: (now) => countLive(pool, now),
  };
}
