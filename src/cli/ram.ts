import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { openSqlite, type SqliteDb } from '../db/sqlite.js';
import { IamAdminError } from '../iam/admin-types.js';
import { ensureAccountId } from '../iam/root-account.js';
import { createSqliteIam } from '../iam/sqlite-iam.js';
import { systemClock } from '../protocol/clock.js';
import { CliError, RAM_COMMANDS, type RamCommandSpec, type RamOptions } from './ram-commands.js';
import { registerRootKeyCommands } from './ram-root-key.js';

export { CliError } from './ram-commands.js';

export const DEFAULT_DATA_DIR = './ossbatch-data';

export interface RamIo {
  /** Receives each command's JSON output (one document, newline-terminated). */
  out(text: string): void;
}

const stdoutIo: RamIo = { out: (text) => void process.stdout.write(text) };

/**
 * Opens the data dir's database. A directory without one is refused (issue 11): creating it here would
 * silently start a second account in a typo'd directory, unseen by the server.
 */
function openDataDir(dataDir: string): SqliteDb {
  const file = path.join(dataDir, 'ossbatch.db');
  if (!existsSync(file)) {
    throw new CliError(
      `${dataDir} holds no ossbatch database; start the server first (ossbatch server --data-dir ${dataDir})`,
    );
  }
  try {
    return openSqlite(file);
  } catch (err) {
    throw new CliError(`cannot open data dir ${dataDir}: ${(err as Error).message}`);
  }
}

/**
 * Runs one command against the data dir's database. The server notices the write within a second through
 * PRAGMA data_version (see sqlite-iam.ts), so no restart is needed. Region only shapes OSS resource ARNs,
 * which RAM management never prints.
 */
function runCommand(spec: RamCommandSpec, options: RamOptions, io: RamIo): void {
  const dataDir = typeof options.dataDir === 'string' ? options.dataDir : DEFAULT_DATA_DIR;
  const db = openDataDir(dataDir);
  try {
    const accountId = ensureAccountId(db);
    const iam = createSqliteIam(db, { accountId, region: 'cn-hangzhou', clock: systemClock });
    const result = spec.run(iam, options);
    io.out(`${JSON.stringify(result, null, 2)}\n`);
  } catch (err) {
    if (err instanceof IamAdminError) throw new CliError(err.message);
    throw err;
  } finally {
    db.close();
  }
}

/**
 * Adds `ram` and its subcommands (create-user, create-access-key, …; see ram-commands.ts) to `program` and
 * returns the `ram` command (when `program` is itself named `ram`, the subcommands go straight onto it), plus
 * show-root-key / rotate-root-key (ram-root-key.ts). Every subcommand takes --data-dir (default ./ossbatch-data), which must
 * already hold the server's database, prints JSON on
 * stdout, and throws CliError (exit code 2) for anything the user must fix.
 */
export function registerRamCommands(program: Command, io: RamIo = stdoutIo): Command {
  // Either `registerRamCommands(root)` or `registerRamCommands(root.command('ram'))` mounts `ossbatch ram …`.
  const ram =
    program.name() === 'ram'
      ? program
      : program
          .command('ram')
          .description('manage RAM users, access keys, policies and roles (RAM API names)');
  for (const spec of RAM_COMMANDS) {
    const cmd = ram.command(spec.name).description(spec.description);
    for (const [flags, description] of spec.required ?? []) cmd.requiredOption(flags, description);
    for (const [flags, description] of spec.optional ?? []) cmd.option(flags, description);
    cmd.option('--data-dir <dir>', 'data directory of the server', DEFAULT_DATA_DIR);
    cmd.action((options: RamOptions) => runCommand(spec, options, io));
  }
  const withDb = (dataDir: string, fn: (db: SqliteDb) => void): void => {
    const db = openDataDir(dataDir);
    try {
      fn(db);
    } finally {
      db.close();
    }
  };
  registerRootKeyCommands(
    ram,
    ['--data-dir <dir>', 'data directory of the server', DEFAULT_DATA_DIR],
    withDb,
    (text) => io.out(text),
  );
  return ram;
}
