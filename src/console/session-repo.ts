/** A signed-in console session: only the AccessKeyId is kept; the principal is re-resolved per request. */
export interface ConsoleSession {
  readonly id: string;
  readonly accessKeyId: string;
  /** Synchronizer token for every state-changing form of this session (OWASP CSRF cheat sheet). */
  readonly csrfToken: string;
  readonly createdAt: number;
  readonly expiresAt: number;
}

/**
 * Console session storage, in the database so a session signed in on one node works on another.
 * Adapters: db/sqlite/session-repo.ts, db/postgres/.
 */
export interface SessionRepo {
  /**
   * Stores a new session; in the same transaction deletes expired ones (expiresAt <= now) and, when
   * `maxSessions` live sessions would be exceeded, the oldest (by createdAt, then id) beyond the cap.
   */
  insert(session: ConsoleSession, now: number, maxSessions: number): Promise<void>;
  /** The session when it exists and expiresAt > now; undefined otherwise (an expired row may be deleted). */
  get(id: string, now: number): Promise<ConsoleSession | undefined>;
  /** Idempotent. */
  delete(id: string): Promise<void>;
  /** Live sessions (for tests and diagnostics). */
  count(now: number): Promise<number>;
}
