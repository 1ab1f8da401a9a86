import { invalidArgument } from '../protocol/oss-error.js';

/** Position after the last job of a ListJobs page: the (createdAt, jobId) keyset of JobRepo.listJobs. */
export interface ListCursor {
  readonly createdAt: number;
  readonly jobId: string;
}

/** Spec §4: 1–1024 characters. Ours are far shorter; anything longer cannot be one of ours. */
export const MAX_TOKEN_LENGTH = 1024;

/**
 * NextToken is opaque to clients (spec §4): base64url of `<createdAt>:<jobId>`. base64url stays inside the
 * documented token alphabet `[A-Za-z0-9+:/=?#\-_]` and survives URL encoding untouched.
 */
export const encodeListToken = (c: ListCursor): string =>
  Buffer.from(`${c.createdAt}:${c.jobId}`, 'utf8').toString('base64url');

export function decodeListToken(token: string): ListCursor {
  const bad = () =>
    invalidArgument(
      `The continuation-token ${JSON.stringify(token.slice(0, 64))} is invalid; pass the NextToken of a previous ListJobs reply.`,
    );
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) throw bad();
  const decoded = Buffer.from(token, 'base64url').toString('utf8');
  const m = /^(\d{1,16}):([A-Za-z0-9+/=]{1,128})$/.exec(decoded);
  if (!m || m[1] === undefined || m[2] === undefined) throw bad();
  const createdAt = Number(m[1]);
  if (!Number.isSafeInteger(createdAt)) throw bad();
  return { createdAt, jobId: m[2] };
}
