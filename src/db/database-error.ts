/**
 * A database that cannot be used as configured: a bad `--db` URL, PostgreSQL unreachable or refusing the
 * login, or (for `ossbatch ram`) a database no server has set up. The message is one line naming the
 * problem and where (host:port/database or the data dir), never a password, and is complete as it is:
 * callers pass it on unwrapped, and the CLI exits 2 with it (a mistake in the configuration, not a crash).
 */
export class DatabaseConfigError extends Error {
  override readonly name = 'DatabaseConfigError';
}
