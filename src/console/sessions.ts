import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../protocol/clock.js';
import type { ConsoleSession, SessionRepo } from './session-repo.js';

export type { ConsoleSession } from './session-repo.js';

export interface SessionStoreOptions {
  /** Where sessions live (the database: a session signed in on one node works on every node). */
  readonly repo: SessionRepo;
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

/** Console sessions over the SessionRepo port (TTL and the live-session cap decided here). */
export class SessionStore {
  private readonly repo: SessionRepo;
  private readonly clock: Clock;
  private readonly ttlMs: number;
  private readonly maxSessions: number;

  constructor(opts: SessionStoreOptions) {
    this.repo = opts.repo;
    this.clock = opts.clock;
    this.ttlMs = opts.ttlMs ?? SESSION_TTL_MS;
    this.maxSessions = opts.maxSessions ?? MAX_SESSIONS;
  }

  /** A new session; expired ones are swept and the oldest dropped past the cap in the same transaction. */
  async create(accessKeyId: string): Promise<ConsoleSession> {
    const now = this.clock.now();
    const session: ConsoleSession = {
      id: randomToken(),
      accessKeyId,
      csrfToken: randomToken(),
      createdAt: now,
      expiresAt: now + this.ttlMs,
    };
    await this.repo.insert(session, now, this.maxSessions);
    return session;
  }

  /** The live session for `id`, or undefined (unknown or expired; an expired one is removed). */
  async get(id: string | undefined): Promise<ConsoleSession | undefined> {
    if (id === undefined || id === '') return undefined;
    return this.repo.get(id, this.clock.now());
  }

  delete(id: string): Promise<void> {
    return this.repo.delete(id);
  }

  /** Live sessions. */
  size(): Promise<number> {
    return this.repo.count(this.clock.now());
  }
}
