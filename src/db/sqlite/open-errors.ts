import fs from 'node:fs';
import { DatabaseConfigError } from '../database-error.js';

/**
 * Why the data dir's SQLite file, or the data dir itself, cannot be used: one line naming the file and what
 * to do (a DatabaseConfigError, so the CLI exits 2 with it, as with a bad --db). SQLite has only read when
 * it finds these, so the file is as it was: nothing is overwritten or "repaired", and the line says so.
 */
const KEPT = 'ossbatch left it unchanged: restore it from a backup, or use another --data-dir';
const ACCESS = 'the user running ossbatch must be able to read and write it and its directory';

/** better-sqlite3's SqliteError codes; extended ones (SQLITE_IOERR_SHORT_READ, …) share their prefix. */
function describe(code: string, file: string, reason: string): string | undefined {
  const is = (prefix: string): boolean => code === prefix || code.startsWith(`${prefix}_`);
  if (is('SQLITE_NOTADB')) return `${file} is not an SQLite database (${reason}); ${KEPT}`;
  if (is('SQLITE_CORRUPT')) return `${file} is damaged (${reason}); ${KEPT}`;
  if (is('SQLITE_CANTOPEN')) return `cannot open ${file} (${reason}): ${ACCESS}`;
  if (is('SQLITE_READONLY')) return `cannot write ${file} (${reason}): ${ACCESS}`;
  if (is('SQLITE_PERM') || is('SQLITE_AUTH')) return `cannot use ${file} (${reason}): ${ACCESS}`;
  if (is('SQLITE_IOERR')) return `cannot read ${file} (${reason}): check the disk it is on`;
  return undefined;
}

/** An error opening or migrating `file`, as a DatabaseConfigError when it is about the file; others unchanged. */
export function sqliteFileError(e: unknown, file: string): unknown {
  if (e instanceof DatabaseConfigError) return e;
  const code = (e as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string') return e;
  const line = describe(code, file, ((e as Error).message.split('\n')[0] ?? '').trim());
  return line === undefined ? e : new DatabaseConfigError(line, { cause: e });
}

const FS_REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  // mkdir -p through a file, or onto one.
  ENOTDIR: 'a file is in the way',
  EEXIST: 'a file is in the way',
};

/**
 * A data dir that cannot be created or written (permissions, a read-only file system, a file in the way) as
 * one line; other errors unchanged. Used where ossbatch first writes there (the directory, its lock file).
 */
export function dataDirError(e: unknown, dataDir: string): unknown {
  const reason = FS_REASONS[(e as NodeJS.ErrnoException | undefined)?.code ?? ''];
  if (reason === undefined) return e;
  return new DatabaseConfigError(
    `cannot write the data directory ${dataDir} (${reason}): make it a directory the user running ` +
      'ossbatch can write, or use another --data-dir',
    { cause: e },
  );
}

/**
 * SQLite opens a file it may not write read-only without a word, and the server would then fail at its
 * first write (a request, a job) instead of at start. access(2) asks without locking the database, so a
 * running server's write transaction never delays `ossbatch ram`. A missing file is created later.
 */
export function refuseUnwritableFile(file: string): void {
  try {
    fs.accessSync(file, fs.constants.R_OK | fs.constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (code === 'ENOENT') return;
    throw new DatabaseConfigError(`cannot use ${file} (${FS_REASONS[code] ?? code}): ${ACCESS}`, {
      cause: e,
    });
  }
}
