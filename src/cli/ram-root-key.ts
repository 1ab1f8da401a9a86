import type { Command } from 'commander';
import type { Backend, RootAccount } from '../db/backend.js';
import { newAccessKeyId, newAccessKeySecret } from '../iam/iam-ids.js';
import { systemClock } from '../protocol/clock.js';
import { DEFAULT_DATA_DIR, openBackend, ramDatabase } from './ram.js';

/** What `ossbatch ram show-root-key` / `rotate-root-key` print (RAM-style field names). */
export interface RootKeyView {
  readonly AccountId: string;
  readonly AccessKeyId: string;
  readonly AccessKeySecret: string;
}

const view = (r: RootAccount): RootKeyView => ({
  AccountId: r.accountId,
  AccessKeyId: r.accessKeyId,
  AccessKeySecret: r.secret,
});

interface RootKeyCommand {
  readonly name: string;
  readonly description: string;
  readonly run: (backend: Backend) => Promise<RootKeyView>;
}

/**
 * `ossbatch ram show-root-key` / `rotate-root-key` (issue 11). Whoever holds the data dir or the database
 * can read the key there anyway, so printing it adds no exposure; rotation is the way out when it leaked
 * or was never seen. Both go through ensureRootAccount, the one place root keys are read and written, so
 * every backend has them: show reads the stored key (generating it when no server ever did, which is then
 * the moment it is shown); rotate takes its "given credentials win and replace the stored key" path.
 */
export const ROOT_KEY_COMMANDS: readonly RootKeyCommand[] = [
  {
    name: 'show-root-key',
    description: 'print the root AccessKey pair stored in the database',
    run: async (b) => view(await b.iamAdmin.ensureRootAccount({}, systemClock)),
  },
  {
    name: 'rotate-root-key',
    description: 'replace the root AccessKey pair with a new one and print it (the old one stops working)',
    run: async (b) =>
      view(
        await b.iamAdmin.ensureRootAccount(
          { accessKeyId: newAccessKeyId(), secret: newAccessKeySecret() },
          systemClock,
        ),
      ),
  },
];

export function registerRootKeyCommands(ram: Command, out: (text: string) => void): void {
  for (const spec of ROOT_KEY_COMMANDS) {
    ram
      .command(spec.name)
      .description(spec.description)
      .option('--data-dir <dir>', 'data directory of the server', DEFAULT_DATA_DIR)
      .option('--db <url>', 'database URL (default: OSSBATCH_DB, else SQLite in --data-dir)')
      .action(async (options: { dataDir: string; db?: string }) => {
        const backend = await openBackend(ramDatabase(options.db, process.env), options.dataDir);
        try {
          out(`${JSON.stringify(await spec.run(backend), null, 2)}\n`);
        } finally {
          await backend.close();
        }
      });
  }
}
