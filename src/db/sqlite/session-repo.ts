import type { ConsoleSession, SessionRepo } from '../../console/session-repo.js';
import { asyncFacade } from './async-facade.js';
import type { SqliteDb } from './open.js';

interface SessionRow {
  session_id: string;
  access_key_id: string;
  csrf_token: string;
  created_at: number;
  expires_at: number;
}

export function createSqliteSessionRepo(db: SqliteDb): SessionRepo {
  const st = {
    sweep: db.prepare('DELETE FROM console_sessions WHERE expires_at <= ?'),
    count: db.prepare('SELECT count(*) FROM console_sessions WHERE expires_at > ?').pluck(),
    // Oldest first by (created_at, session_id): the ones dropped past the cap.
    trim: db.prepare(`DELETE FROM console_sessions WHERE session_id IN (
      SELECT session_id FROM console_sessions ORDER BY created_at, session_id LIMIT ?)`),
    insert:
      db.prepare(`INSERT INTO console_sessions (session_id, access_key_id, csrf_token, created_at, expires_at)
      VALUES (:id, :accessKeyId, :csrfToken, :createdAt, :expiresAt)`),
    get: db.prepare('SELECT * FROM console_sessions WHERE session_id = ?'),
    delete: db.prepare('DELETE FROM console_sessions WHERE session_id = ?'),
  };
  const insertTx = db.transaction((session: ConsoleSession, now: number, max: number) => {
    st.sweep.run(now);
    const live = st.count.get(now) as number;
    if (live >= max) st.trim.run(live - max + 1);
    st.insert.run(session);
  });
  return asyncFacade<SessionRepo>({
    insert: (session, now, max) => insertTx.immediate(session, now, max),
    get(id, now) {
      const row = st.get.get(id) as SessionRow | undefined;
      if (!row) return undefined;
      if (row.expires_at <= now) {
        st.delete.run(id);
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
    delete(id) {
      st.delete.run(id);
    },
    count: (now) => st.count.get(now) as number,
  });
}
