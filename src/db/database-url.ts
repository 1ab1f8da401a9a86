import { z } from 'zod';

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
    };

const POSTGRES_SCHEMES = new Set(['postgres:', 'postgresql:']);

/**
 * Parses `--db` / OSSBATCH_DB: absent or empty → embedded SQLite in the data dir;
 * `postgres://user[:password]@host[:port]/dbname` (or `postgresql://`), port defaulting to 5432.
 * Throws an Error whose message is one line naming the problem (the CLI exits 2 with it).
 */
export function parseDatabaseUrl(raw: string | undefined): DatabaseUrl {
  if (raw === undefined || raw.trim() === '' || raw === 'sqlite') return { kind: 'sqlite' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`--db: not a URL (expected postgres://user[:password]@host:port/dbname)`);
  }
  if (!POSTGRES_SCHEMES.has(url.protocol))
    throw new Error(
      `--db: unsupported scheme ${url.protocol.replace(/:$/, '')} (use postgres:// or postgresql://)`,
    );
  if (url.hostname === '') throw new Error('--db: the URL names no host');
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (database === '' || database.includes('/'))
    throw new Error('--db: the URL names no database (postgres://user@host:port/dbname)');
  if (url.username === '') throw new Error('--db: the URL names no user (postgres://user@host:port/dbname)');
  const port = url.port === '' ? 5432 : Number(url.port);
  return {
    kind: 'postgres',
    url: raw,
    host: url.hostname,
    port,
    database,
    user: decodeURIComponent(url.username),
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
