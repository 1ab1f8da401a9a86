import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { FastifyReply } from 'fastify';

export const SESSION_COOKIE = 'ossbatch_console';
/** Double-submit token for the sign-in form, which has no session yet (login CSRF). */
export const PRESESSION_COOKIE = 'ossbatch_console_pre';

/**
 * Strict policy: no inline script or style anywhere, the JS and CSS are files under /-/console/static;
 * fetch() may only reach this origin; forms may only post here; the console is never framed.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
  // Pages show live job data and per-user permissions: never serve them from a cache.
  'Cache-Control': 'no-store',
};

export function send(
  reply: FastifyReply,
  status: number,
  type: string,
  body: string | Buffer,
  extra: Readonly<Record<string, string>> = {},
): void {
  void reply
    .code(status)
    .headers({ ...SECURITY_HEADERS, ...extra })
    .type(type)
    .send(body);
}

export const sendHtml = (reply: FastifyReply, status: number, html: string): void =>
  send(reply, status, 'text/html; charset=utf-8', html);

export const sendJson = (reply: FastifyReply, status: number, value: unknown): void =>
  send(reply, status, 'application/json; charset=utf-8', JSON.stringify(value));

/** 303 See Other: the browser follows a POST's answer with a GET (post/redirect/get). */
export function redirect(reply: FastifyReply, location: string, cookies: readonly string[] = []): void {
  if (cookies.length > 0) void reply.header('Set-Cookie', cookies);
  void reply.code(303).headers(SECURITY_HEADERS).header('Location', location).send();
}

export function parseCookies(req: IncomingMessage): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

/**
 * True when the browser reached us over HTTPS: a TLS socket, or a TLS-terminating proxy saying so in
 * X-Forwarded-Proto. The server itself speaks plain http on localhost, where a `Secure` cookie would
 * never be sent back, so `Secure` is set only in these cases (a forged header only makes the cookie
 * stricter, never weaker).
 */
export function isHttps(req: IncomingMessage): boolean {
  if ((req.socket as Partial<TLSSocket>).encrypted === true) return true;
  const proto = req.headers['x-forwarded-proto'];
  const first = (Array.isArray(proto) ? proto[0] : proto)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https';
}

export interface CookieOptions {
  readonly maxAgeSeconds: number;
  readonly secure: boolean;
}

/** HttpOnly (no script can read it), SameSite=Strict (never sent on cross-site requests), scoped to the console. */
export function cookie(name: string, value: string, opts: CookieOptions): string {
  const parts = [
    `${name}=${value}`,
    'Path=/-/console',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${Math.max(0, Math.floor(opts.maxAgeSeconds))}`,
  ];
  if (opts.secure) parts.push('Secure');
  return parts.join('; ');
}

/**
 * When the browser sends Origin (every POST from a modern browser does), it must be this server's own
 * origin; `null` (sandboxed/opaque) is refused. Absent Origin falls back to the synchronizer token alone.
 */
export function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const host = req.headers['x-forwarded-host'] ?? req.headers.host;
  if (typeof host !== 'string' || host === '') return false;
  const scheme = isHttps(req) ? 'https' : 'http';
  return origin === `${scheme}://${host}`;
}

/** 64 KiB: the largest console form (create job with a long tag list) is a few KB. */
const MAX_FORM_BYTES = 64 * 1024;

export class FormError extends Error {}

/** Reads an application/x-www-form-urlencoded body. */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    req.resume();
    throw new FormError('The form must be sent as application/x-www-form-urlencoded.');
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > MAX_FORM_BYTES) throw new FormError(`The form exceeds ${MAX_FORM_BYTES} bytes.`);
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks, total).toString('utf8'));
}

/** The query string of the raw URL (fastify's parsed query is not used so that repeated keys stay exact). */
export function queryOf(req: IncomingMessage): URLSearchParams {
  const url = req.url ?? '';
  const q = url.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
}
