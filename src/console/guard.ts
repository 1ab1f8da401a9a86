import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HttpDeps } from '../http/context.js';
import { isOssError } from '../protocol/oss-error.js';
import { displayName, resolveSession, type SignedIn } from './auth.js';
import { html, page, type SafeHtml } from './html.js';
import { FormError, originAllowed, readForm, redirect, sendHtml, sendJson } from './http-util.js';
import { sameSecret, type SessionStore } from './sessions.js';

/** What every console route gets: the server's HTTP dependencies and the session table. */
export interface ConsoleDeps {
  readonly http: HttpDeps;
  readonly sessions: SessionStore;
}

export type ConsoleHandler = (req: FastifyRequest, reply: FastifyReply) => Promise<void>;

export const SIGN_IN_PATH = '/-/console/sign-in';

/** A page for the signed-in user (header with sign-out). */
export function userPage(
  reply: FastifyReply,
  status: number,
  who: SignedIn,
  title: string,
  body: SafeHtml,
): void {
  const user = { name: displayName(who.principal), csrfToken: who.session.csrfToken };
  sendHtml(reply, status, page({ title, user, body }));
}

/** The session of a page request; without one the browser is sent to the sign-in page. */
export async function pageSession(
  deps: ConsoleDeps,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<SignedIn | undefined> {
  const who = await resolveSession(req.raw, deps.sessions, deps.http.iam, deps.http.clock);
  if (who === undefined) redirect(reply, SIGN_IN_PATH);
  return who;
}

/** The session of a JSON poll; without one, 401 (console.js then goes to the sign-in page). */
export async function jsonSession(
  deps: ConsoleDeps,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<SignedIn | undefined> {
  const who = await resolveSession(req.raw, deps.sessions, deps.http.iam, deps.http.clock);
  if (who === undefined) sendJson(reply, 401, { error: 'not signed in' });
  return who;
}

function refuse(reply: FastifyReply, message: string, status = 403): void {
  const title = status === 403 ? 'Forbidden' : 'Bad request';
  const body = html`<h1>${title}</h1>
    <p class="error" role="alert">${message}</p>`;
  sendHtml(reply, status, page({ title, body }));
}

/**
 * Every state-changing request: a live session, the Origin (when sent) equal to ours, and the session's
 * synchronizer token in the form's `csrf` field (constant-time compare). Anything else is 403 and nothing
 * is done. Returns the session and the parsed form.
 */
export async function postSession(
  deps: ConsoleDeps,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<{ who: SignedIn; form: URLSearchParams } | undefined> {
  if (!originAllowed(req.raw)) {
    req.raw.resume();
    refuse(reply, 'The request came from another origin.');
    return undefined;
  }
  const who = await resolveSession(req.raw, deps.sessions, deps.http.iam, deps.http.clock);
  if (who === undefined) {
    req.raw.resume();
    redirect(reply, SIGN_IN_PATH);
    return undefined;
  }
  let form: URLSearchParams;
  try {
    form = await readForm(req.raw);
  } catch (err) {
    if (!(err instanceof FormError)) throw err;
    refuse(reply, err.message, 400);
    return undefined;
  }
  if (!sameSecret(form.get('csrf') ?? '', who.session.csrfToken)) {
    refuse(reply, 'The form is missing its CSRF token or the token is wrong. Reload the page and try again.');
    return undefined;
  }
  return { who, form };
}

/** The message an API failure shows next to a form (OssError: its code and message; never a stack). */
export function failureMessage(err: unknown): { status: number; message: string } {
  if (isOssError(err)) return { status: err.status, message: `${err.code}: ${err.message}` };
  if (err instanceof FormError) return { status: 400, message: err.message };
  throw err;
}

/**
 * Wraps a route: an unexpected error is logged and answered with a plain 500 page. The reply is returned
 * so fastify waits for it (a streamed body is still in flight when the handler's promise resolves).
 */
export function guarded(
  deps: ConsoleDeps,
  handler: ConsoleHandler,
): (req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply> {
  return async (req, reply) => {
    try {
      await handler(req, reply);
    } catch (err) {
      deps.http.logger.error({ err, url: req.raw.url }, 'console error');
      if (!reply.sent) {
        sendHtml(
          reply,
          500,
          page({
            title: 'Error',
            body: html`<h1>Something went wrong</h1>
              <p role="alert">The error was logged.</p>`,
          }),
        );
      }
    }
    return reply;
  };
}
