import type { IncomingMessage } from 'node:http';
import type { AccessKeyRecord, Iam, Principal, RequestContext } from '../iam/types.js';
import type { Clock } from '../protocol/clock.js';
import { parseCookies, SESSION_COOKIE } from './http-util.js';
import { sameSecret, type ConsoleSession, type SessionStore } from './sessions.js';

/** A console user: root or a RAM user, exactly as a signed request with that AccessKey would be. */
export type ConsolePrincipal = AccessKeyRecord['principal'];

export interface SignedIn {
  readonly session: ConsoleSession;
  readonly principal: ConsolePrincipal;
  readonly context: RequestContext;
}

/**
 * Checks an AccessKey pair. The secret is compared in constant time; an unknown id still runs a
 * comparison so the answer time does not tell whether the id exists. Disabled keys are refused.
 */
export async function verifyAccessKey(
  iam: Iam,
  accessKeyId: string,
  secret: string,
): Promise<AccessKeyRecord | undefined> {
  const record = accessKeyId === '' ? undefined : await iam.findAccessKey(accessKeyId);
  const matches = sameSecret(record?.secret ?? '\u0000'.repeat(30), secret);
  if (record === undefined || !matches || !record.active) return undefined;
  return record;
}

/** `::ffff:127.0.0.1` → `127.0.0.1`, as the OSS pipeline does, so IpAddress conditions match alike. */
const sourceIp = (req: IncomingMessage): string | undefined =>
  req.socket.remoteAddress?.replace(/^::ffff:/, '');

/**
 * The policy-condition facts of a console request. secureTransport is false as on the wire
 * (src/http/dispatch.ts): the console must not grant what the same key could not do over the API.
 */
export function consoleContext(req: IncomingMessage, clock: Clock): RequestContext {
  const ua = req.headers['user-agent'];
  const referer = req.headers.referer;
  return {
    sourceIp: sourceIp(req),
    secureTransport: false,
    currentTime: clock.now(),
    userAgent: ua,
    referer: typeof referer === 'string' ? referer : undefined,
    keys: {},
  };
}

/**
 * The session behind the request's cookie, with its principal resolved again from IAM: a deleted or
 * disabled AccessKey ends the session at the next request (the session is dropped).
 */
export async function resolveSession(
  req: IncomingMessage,
  sessions: SessionStore,
  iam: Iam,
  clock: Clock,
): Promise<SignedIn | undefined> {
  const session = await sessions.get(parseCookies(req).get(SESSION_COOKIE));
  if (session === undefined) return undefined;
  const record = await iam.findAccessKey(session.accessKeyId);
  if (record === undefined || !record.active) {
    await sessions.delete(session.id);
    return undefined;
  }
  return { session, principal: record.principal, context: consoleContext(req, clock) };
}

/** "root (1234…)" or the RAM user name, for the page header. */
export function displayName(p: Principal): string {
  switch (p.kind) {
    case 'root':
      return `root account ${p.accountId}`;
    case 'user':
      return `RAM user ${p.userName}`;
    case 'role':
      return `role ${p.roleName}`;
    case 'anonymous':
      return 'anonymous';
  }
}
