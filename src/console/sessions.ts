import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../protocol/clock.js';

/** A signed-in console session: only the AccessKeyId is kept; the principal is re-resolved per request. */
export interface ConsoleSession {
  readonly id: string;
  readonly accessKeyId: string;
  /** Synchronizer token for every state-changing form of this session (OWASP CSRF cheat sheet). */
  readonly csrfToken: string;
  readonly expiresAt: number;
}

export interface SessionStoreOptions {
  readonly clock: Clock;
  /** 12 h: a working day, after which the AccessKey pair must be entered again. */
  readonly ttlMs?: number;
  /**
   * 10,000 live sessions at most (≈1.5 MB): sign-in is unauthenticated until the secret matches, but a
   * valid key could still mint sessions in a loop; the oldest session is dropped past the cap.
   */
  readonly maxSessions?: number;
}

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const MAX_SESSIONS = 10_000;

/** 256-bit random ids and tokens, base64url (43 characters, cookie-safe). */
export const randomToken = (): string => randomBytes(32).toString('base64url');

/** Constant-time string equality (length leaks only, which is public for our fixed-size tokens). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  // Compare against itself on a length mismatch so the time does not depend on where they differ.
  if (x.length !== y.length) {
    timingSafeEqual(x, x);
    return false;
  }
  return timingSafeEqual(x, y);
}

/** Server-side, in-memory session table (one process; sessions do not survive a restart by design). */
export class SessionStore {
  private readonly sessions = new Map<string, ConsoleSession>();
  private readonly clock: Clock;
  private readonly ttlMs: number;
  private readonly maxSessions: number;

  constructor(opts: SessionStoreOptions) {
    this.clock = opts.clock;
    this.ttlMs = opts.ttlMs ?? SESSION_TTL_MS;
    this.maxSessions = opts.maxSessions ?? MAX_SESSIONS;
  }

  create(accessKeyId: string): ConsoleSession {
    this.sweep();
    if (this.sessions.size >= this.maxSessions) {
      // Map iteration is insertion order: the first entry is the oldest session.
      const oldest = this.sessions.keys().next();
      if (oldest.done !== true) this.sessions.delete(oldest.value);
    }
    const session: ConsoleSession = {
      id: randomToken(),
      accessKeyId,
      csrfToken: randomToken(),
      expiresAt: this.clock.now() + this.ttlMs,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session for `id`, or undefined (unknown or expired; an expired one is removed). */
  get(id: string | undefined): ConsoleSession | undefined {
    if (id === undefined || id === '') return undefined;
    const session = this.sessions.get(id);
    if (session === undefined) return undefined;
    if (session.expiresAt <= this.clock.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    return session;
  }

  delete(id: string): void {
    this.sessions.delete(id);
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Drops expired sessions; called on each sign-in, so the table never grows with dead entries. */
  private sweep(): void {
    const now = this.clock.now();
    for (const [id, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(id);
  }
}
