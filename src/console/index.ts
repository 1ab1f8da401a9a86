import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../http/context.js';
import type { ConsoleDeps } from './guard.js';
import { registerCreateRoutes } from './routes-create.js';
import { registerFailureRoutes } from './routes-failures.js';
import { registerRetryRoute } from './routes-retry.js';
import { registerJobRoutes } from './routes-jobs.js';
import { registerSessionRoutes } from './routes-session.js';
import type { SessionRepo } from './session-repo.js';
import { SessionStore } from './sessions.js';

export { SessionStore, SESSION_TTL_MS } from './sessions.js';

export interface ConsoleOptions {
  /** Session storage (the Backend's sessions port). */
  readonly sessions: SessionRepo;
  /** Session lifetime; default 12 h (SESSION_TTL_MS). */
  readonly sessionTtlMs?: number;
}

/**
 * The web console at /-/console (issue 4). Its routes are registered on the server's fastify app ahead
 * of the OSS catch-all (`/-/…` can never be a bucket, spec §9.1). Bodies are never parsed by fastify
 * (the app has only its pass-through parser), the console reads its own forms. Every job action goes
 * through deps.jobs, the same handlers the wire calls, as the signed-in principal.
 */
export function registerConsole(app: FastifyInstance, http: HttpDeps, opts: ConsoleOptions): SessionStore {
  const sessions = new SessionStore({
    repo: opts.sessions,
    clock: http.clock,
    ...(opts.sessionTtlMs !== undefined ? { ttlMs: opts.sessionTtlMs } : {}),
  });
  const deps: ConsoleDeps = { http, sessions };
  registerSessionRoutes(app, deps);
  registerJobRoutes(app, deps);
  registerCreateRoutes(app, deps);
  registerRetryRoute(app, deps);
  registerFailureRoutes(app, deps);
  // Anything else under the console: a 404 page rather than the OSS pipeline's internal 404.
  app.all('/-/console/*', (_req, reply) => {
    void reply
      .code(404)
      .headers({ 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' })
      .send('Not found');
  });
  return sessions;
}
