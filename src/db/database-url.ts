import { z } from 'zod';
import { DatabaseConfigError } from './database-error.js';

/** Where the jobs / IAM / catalog data live: `sqlite` (the data dir) or a PostgreSQL URL. */
export type DatabaseUrl =
  | { readonly kind: 'sqlite' }
  | {
      readonly kind: 'postgres';
      /** The URL as given (may hold a password: never log it; see redactedUrl). */
      readonly url: string;
      readonly host: string;
      readonly port: number;
      readonly database: string;
      readonly user: string;
      /** Connections in this node's pool (`?pool_size=`, default DEFAULT_POOL_SIZE). */
      readonly poolSize: number;
    };

/**
 * Default pool size per node. One node's concurrent users of a connection are the engine's chunk workers
 * (each holds one only for a claim or a commit statement), the planner/settler, heartbeats and HTTP
 * handlers: 10 (node-postgres' own default) keeps them from queueing, and four nodes plus their LISTEN
 * clients (41 connections) stay well under PostgreSQL's default max_connections of 100.
 */
export const DEFAULT_POOL_SIZE = 10;
/** Largest `?pool_size=`: twice PostgreSQL's default max_connections (100) is already a typo, not a plan. */
export const MAX_POOL_SIZE = 200;

/**
 * The URL parameters ossbatch reads. Any other one is refused rather than ignored: a silently dropped
 * `?sslmode=require` would send the password in clear text to a user who asked for TLS.
 */
const URL_PARAMETERS = ['pool_size'] as const;

const POSTGRES_SCHEMES = new Set(['postgres:', 'postgresql:']);

const invalid = (why: string): DatabaseConfigError => new DatabaseConfigError(`--db: ${why}`);

/** Percent-decoding that names the part of the URL when an escape is malformed (`%ZZ`). */
function decoded(part: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw invalid(`the URL's ${what} holds a malformed %-escape`);
  }
}

/** `?pool_size=N` (1 to MAX_POOL_SIZE), else the default; any other parameter is refused. */
function poolSizeOf(params: URLSearchParams): number {
  for (const name of new Set(params.keys())) {
    if (!(URL_PARAMETERS as readonly string[]).includes(name))
      throw invalid(`unsupported URL parameter ${name} (supported: ${URL_PARAMETERS.join(', ')})`);
  }
  const values = params.getAll('pool_size');
  if (values.length === 0) return DEFAULT_POOL_SIZE;
  const raw = values.length === 1 ? values[0]! : values.join(',');
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_POOL_SIZE)
    throw invalid(`pool_size must be an integer from 1 to ${MAX_POOL_SIZE} (got ${raw})`);
  return n;
}

/**
 * Parses `--db` / OSSBATCH_DB: absent or empty → embedded SQLite in the data dir;
 * `postgres://user[:password]@host[:port]/dbname` (or `postgresql://`), port defaulting to 5432.
 * `?pool_size=N` sets the connection pool; no other URL parameter is accepted.
 * Throws a DatabaseConfigError whose message is one line naming the problem (the CLI exits 2 with it).
 */
export function parseDatabaseUrl(raw: string | undefined): DatabaseUrl {
  if (raw === undefined || raw.trim() === '' || raw === 'sqlite') return { kind: 'sqlite' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid('not a URL (expected postgres://user[:password]@host:port/dbname)');
  }
  if (!POSTGRES_SCHEMES.has(url.protocol))
    throw invalid(`unsupported scheme ${url.protocol.replace(/:$/, '')} (use postgres:// or postgresql://)`);
  if (url.hostname === '') throw invalid('the URL names no host');
  const database = decoded(url.pathname.replace(/^\//, ''), 'database name');
  if (database === '' || database.includes('/'))
    throw invalid('the URL names no database (postgres://user@host:port/dbname)');
  if (url.username === '') throw invalid('the URL names no user (postgres://user@host:port/dbname)');
  decoded(url.password, 'password'); // checked here so that connecting cannot fail on it later
  // The URL parser accepts port 0, which no server listens on.
  const port = url.port === '' ? 5432 : Number(url.port);
  if (port === 0) throw invalid('port 0 is not a PostgreSQL port (1 to 65535; default 5432)');
  return {
    kind: 'postgres',
    url: raw,
    host: url.hostname,
    port,
    database,
    user: decoded(url.username, 'user name'),
    poolSize: poolSizeOf(url.searchParams),
  };
}

/** The URL with any password replaced by `***` (for logs and error messages). */
export function redactedUrl(db: DatabaseUrl): string {
  if (db.kind === 'sqlite') return 'sqlite (data dir)';
  return `postgres://${db.user}@${db.host}:${db.port}/${db.database}`;
}

/**
 * zod field for the config schema: absent, a URL string, or an already parsed DatabaseUrl (tests and the
 * composition root pass those), turned into a DatabaseUrl with a one-line message when it is not one.
 */
export const DatabaseUrlSchema = z
  .unknown()
  .optional()
  .transform((raw, ctx): DatabaseUrl => {
    if (raw !== null && typeof raw === 'object' && 'kind' in raw) {
      const kind = raw.kind;
      if (kind === 'sqlite') return { kind: 'sqlite' };
      if (kind === 'postgres' && typeof (raw as { url?: unknown }).url === 'string')
        raw = (raw as unknown as { url: string }).url;
    }
    if (raw !== undefined && typeof raw !== 'string') {
      ctx.addIssue({ code: 'custom', message: 'expected a database URL' });
      return z.NEVER;
    }
    try {
      return parseDatabaseUrl(raw);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message.replace(/^--db: /, '') });
      return z.NEVER;
    }
  });
