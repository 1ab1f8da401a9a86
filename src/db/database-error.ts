/**
 * A database that cannot be used as configured: a bad `--db` URL, PostgreSQL unreachable or refusing the
 * login, (for `ossbatch ram`) a database no server has set up, the data dir's SQLite file unreadable or
 * damaged (sqlite/open-errors.ts), or a database a newer ossbatch wrote. The message is one line naming the
 * problem and where (host:port/database or the file), never a password, and is complete as it is: callers
 * pass it on unwrapped, and the CLI exits 2 with it (a mistake in the configuration, not a crash).
 */
export class DatabaseConfigError extends Error {
  override readonly name = 'DatabaseConfigError';
}

/**
 * The migration ids `applied` records that this build does not know (`known`): a newer ossbatch wrote the
 * database, and its tables may mean something this code would misread or overwrite. Each adapter checks
 * before it applies anything and refuses with newerSchemaError.
 */
export function unknownMigrations(applied: Iterable<number>, known: readonly { id: number }[]): number[] {
  const ids = new Set(known.map((m) => m.id));
  return [...applied].filter((id) => !ids.has(id)).sort((a, b) => a - b);
}

/** `where` names the database (a file, or PostgreSQL host:port/database); `instead` is the other way out. */
export function newerSchemaError(
  where: string,
  unknown: readonly number[],
  instead: string,
): DatabaseConfigError {
  const s = unknown.length > 1 ? 's' : '';
  return new DatabaseConfigError(
    `${where} was written by a newer ossbatch (migration${s} ${unknown.join(', ')} unknown to this ` +
      `version); ossbatch left it unchanged: run that newer version, or ${instead}`,
  );
}
