import fs from 'node:fs';
import type { Command } from 'commander';
import { createBackend, DatabaseNotSetUpError, type Backend } from '../db/backend.js';
import { DatabaseConfigError } from '../db/database-error.js';
import { parseDatabaseUrl, redactedUrl, type DatabaseUrl } from '../db/database-url.js';
import { IamAdminError } from '../iam/admin-types.js';
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

/** `--db` wins over OSSBATCH_DB; neither: the data dir's SQLite database. A bad URL is a CliError (exit 2). */
export function ramDatabase(option: unknown, env: NodeJS.ProcessEnv): DatabaseUrl {
  const raw = typeof option === 'string' ? option : env.OSSBATCH_DB;
  try {
    return parseDatabaseUrl(raw);
  } catch (err) {
    throw new CliError(`invalid ${(err as Error).message}`);
  }
}

/**
 * Opens the database a server has set up. Any other is refused before anything is written (issue 11, 7):
 * creating one here would silently start a second account, in a typo'd directory or database, unseen by
 * the server. Database errors are complete one-line messages already (DatabaseConfigError): passed on as
 * they are, never wrapped in a second "cannot open …".
 */
export async function openBackend(db: DatabaseUrl, dataDir: string): Promise<Backend> {
  // As `ossbatch server` says it (cli/server.ts), rather than "holds no ossbatch database".
  if (db.kind === 'sqlite' && fs.existsSync(dataDir) && !fs.statSync(dataDir).isDirectory()) {
    throw new CliError(`invalid --data-dir: ${dataDir} is not a directory`);
  }
  try {
    return await createBackend({ db, dataDir }, { existing: true });
  } catch (err) {
    if (err instanceof DatabaseNotSetUpError) {
      throw new CliError(
        db.kind === 'sqlite'
          ? `${dataDir} holds no ossbatch database; start the server first (ossbatch server --data-dir ${dataDir})`
          : `${redactedUrl(db)} holds no ossbatch database; start a server with --db ${redactedUrl(db)} first`,
      );
    }
    if (err instanceof DatabaseConfigError) throw new CliError(err.message);
    const where = db.kind === 'sqlite' ? `the database in ${dataDir}` : `database ${redactedUrl(db)}`;
    throw new CliError(`cannot open ${where}: ${(err as Error).message.split('\n')[0]}`);
  }
}

/**
 * Runs one command against the database (`--db`, OSSBATCH_DB, or the data dir's SQLite file). A running
 * server notices the write within a second (its IAM cache re-checks the generation; PostgreSQL also
 * notifies), so no restart is needed.
 */
async function runCommand(spec: RamCommandSpec, options: RamOptions, io: RamIo): Promise<void> {
  const dataDir = typeof options.dataDir === 'string' ? options.dataDir : DEFAULT_DATA_DIR;
  const backend = await openBackend(ramDatabase(options.db, process.env), dataDir);
  try {
    const accountId = await backend.iamAdmin.ensureAccountId(systemClock);
    const result = await spec.run(backend.iamAdmin.admin(accountId, systemClock), options);
    io.out(`${JSON.stringify(result, null, 2)}\n`);
  } catch (err) {
    if (err instanceof IamAdminError) throw new CliError(err.message);
    throw err;
  } finally {
    await backend.close();
  }
}

/**
 * Adds `ram` and its subcommands (create-user, create-access-key, …; see ram-commands.ts) to `program` and
 * returns the `ram` command (when `program` is itself named `ram`, the subcommands go straight onto it). Every subcommand takes --data-dir (default ./ossbatch-data), prints JSON on
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
    cmd.option('--db <url>', 'database URL (default: OSSBATCH_DB, else SQLite in --data-dir)');
    cmd.action((options: RamOptions) => runCommand(spec, options, io));
  }
  registerRootKeyCommands(ram, (text) => io.out(text));
  return ram;
}
