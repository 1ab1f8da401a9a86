import type { Command } from 'commander';
import type { SqliteDb } from '../db/sqlite.js';
import { rotateRootKey, showRootKey, type RootKeyView } from '../iam/root-key-admin.js';
import { systemClock } from '../protocol/clock.js';

interface RootKeyCommand {
  readonly name: string;
  readonly description: string;
  readonly run: (db: SqliteDb) => RootKeyView;
}

/**
 * `ossbatch ram show-root-key` / `rotate-root-key` (issue 11): whoever holds the data dir can already read
 * the key from the database, so printing it adds no exposure; rotation is the way out when it leaked or
 * was never seen. They live next to the RAM commands because they act on the same data dir.
 */
export const ROOT_KEY_COMMANDS: readonly RootKeyCommand[] = [
  {
    name: 'show-root-key',
    description: 'print the root AccessKey pair stored in the data dir',
    run: (db) => showRootKey(db, systemClock),
  },
  {
    name: 'rotate-root-key',
    description: 'replace the root AccessKey pair with a new one and print it (the old one stops working)',
    run: (db) => rotateRootKey(db, systemClock),
  },
];

export function registerRootKeyCommands(
  ram: Command,
  dataDirOption: readonly [string, string, string],
  withDb: (dataDir: string, fn: (db: SqliteDb) => void) => void,
  out: (text: string) => void,
): void {
  for (const spec of ROOT_KEY_COMMANDS) {
    ram
      .command(spec.name)
      .description(spec.description)
      .option(...dataDirOption)
      .action((options: { dataDir: string }) =>
        withDb(options.dataDir, (db) => out(`${JSON.stringify(spec.run(db), null, 2)}\n`)),
      );
  }
}
