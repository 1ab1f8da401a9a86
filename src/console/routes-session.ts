import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CONSOLE_JS } from './assets.js';
import { CONSOLE_CSS, CONSOLE_ICON } from './console-style.js';
import { resolveSession, verifyAccessKey } from './auth.js';
import { guarded, postSession, SIGN_IN_PATH, type ConsoleDeps } from './guard.js';
import { page } from './html.js';
import {
  cookie,
  FormError,
  isHttps,
  originAllowed,
  parseCookies,
  PRESESSION_COOKIE,
  readForm,
  redirect,
  send,
  sendHtml,
  SESSION_COOKIE,
} from './http-util.js';
import { signInPageBody } from './page-sign-in.js';
import { randomToken, sameSecret, SESSION_TTL_MS } from './sessions.js';

/** One hour to fill in the sign-in form. */
const PRESESSION_SECONDS = 3600;
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

function signInPage(
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  extra: { accessKeyId?: string; error?: string } = {},
): void {
  const existing = parseCookies(req.raw).get(PRESESSION_COOKIE);
  const token = existing !== undefined && TOKEN_RE.test(existing) ? existing : randomToken();
  void reply.header(
    'Set-Cookie',
    cookie(PRESESSION_COOKIE, token, { maxAgeSeconds: PRESESSION_SECONDS, secure: isHttps(req.raw) }),
  );
  sendHtml(reply, status, page({ title: 'Sign in', body: signInPageBody({ csrfToken: token, ...extra }) }));
}

async function signIn(deps: ConsoleDeps, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  let form: URLSearchParams;
  try {
    if (!originAllowed(req.raw)) throw new FormError('The request came from another origin.');
    form = await readForm(req.raw);
  } catch (err) {
    if (!(err instanceof FormError)) throw err;
    req.raw.resume();
    signInPage(req, reply, 403, { error: err.message });
    return;
  }
  const pre = parseCookies(req.raw).get(PRESESSION_COOKIE) ?? '';
  if (pre === '' || !sameSecret(form.get('csrf') ?? '', pre)) {
    signInPage(req, reply, 403, { error: 'The sign-in form expired. Please try again.' });
    return;
  }
  const accessKeyId = (form.get('accessKeyId') ?? '').trim();
  const record = await verifyAccessKey(deps.http.iam, accessKeyId, form.get('accessKeySecret') ?? '');
  if (record === undefined) {
    // One message for an unknown id, a wrong secret and a disabled key: nothing to probe.
    signInPage(req, reply, 401, { accessKeyId, error: 'The AccessKeyId or AccessKeySecret is not valid.' });
    return;
  }
  const session = await deps.sessions.create(record.accessKeyId);
  const secure = isHttps(req.raw);
  redirect(reply, '/-/console/jobs', [
    cookie(SESSION_COOKIE, session.id, { maxAgeSeconds: SESSION_TTL_MS / 1000, secure }),
    cookie(PRESESSION_COOKIE, '', { maxAgeSeconds: 0, secure }),
  ]);
}

async function signOut(deps: ConsoleDeps, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const posted = await postSession(deps, req, reply);
  if (posted === undefined) return;
  await deps.sessions.delete(posted.who.session.id);
  redirect(reply, SIGN_IN_PATH, [cookie(SESSION_COOKIE, '', { maxAgeSeconds: 0, secure: isHttps(req.raw) })]);
}

/** Static files: immutable for a process's life, but cheap; a short cache keeps upgrades visible. */
function staticFile(reply: FastifyReply, type: string, body: string): void {
  send(reply, 200, type, body, { 'Cache-Control': 'public, max-age=300' });
}

export function registerSessionRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  const home = guarded(deps, async (req, reply) => {
    const who = await resolveSession(req.raw, deps.sessions, deps.http.iam, deps.http.clock);
    redirect(reply, who === undefined ? SIGN_IN_PATH : '/-/console/jobs');
  });
  app.get('/-/console', home);
  app.get('/-/console/', home);
  app.get(
    SIGN_IN_PATH,
    guarded(deps, (req, reply) => {
      signInPage(req, reply, 200);
      return Promise.resolve();
    }),
  );
  app.post(
    SIGN_IN_PATH,
    guarded(deps, (req, reply) => signIn(deps, req, reply)),
  );
  app.post(
    '/-/console/sign-out',
    guarded(deps, (req, reply) => signOut(deps, req, reply)),
  );
  app.get('/-/console/static/console.js', (_req, reply) => {
    staticFile(reply, 'text/javascript; charset=utf-8', CONSOLE_JS);
  });
  app.get('/-/console/static/console.css', (_req, reply) => {
    staticFile(reply, 'text/css; charset=utf-8', CONSOLE_CSS);
  });
  app.get('/-/console/static/icon.svg', (_req, reply) => {
    staticFile(reply, 'image/svg+xml', CONSOLE_ICON);
  });
}
