import { Command, CommanderError } from 'commander';
import { registerApiCommands } from './api.js';
import { registerConfigCommand } from './config-file.js';
import { registerInventoryCommands } from './inventory.js';
import { registerJobCommands } from './job.js';
import { registerObjectCommands } from './objects.js';
import { registerRamCommands } from './ram.js';
import { registerServerCommand } from './server.js';

const VERSION = '0.1.0';

/**
 * Commander errors and CliErrors become one human line and exit code 2 (never a stack trace). Commander's
 * "(Did you mean …?)" suggestion for an unknown command or flag comes on a second line: it is joined in.
 */
function fail(message: string, exitCode: number): never {
  const line = message
    .replace(/^error: /, '')
    .trim()
    .replace(/\s*\n\s*/g, ' ');
  process.stderr.write(`ossbatch: ${line}\n`);
  process.exit(exitCode);
}

function buildProgram(): Command {
  const program = new Command('ossbatch')
    .description('Self-hostable Alibaba Cloud OSS Batch Operations server')
    .version(VERSION)
    .exitOverride()
    .showSuggestionAfterError(true)
    // Commander's own message is printed by fail() below, in one line.
    .configureOutput({ outputError: () => undefined });
  registerServerCommand(program);
  registerRamCommands(program);
  registerConfigCommand(program);
  registerApiCommands(program);
  registerObjectCommands(program);
  registerJobCommands(program);
  registerInventoryCommands(program);
  program.commands.forEach((c) => applyToTree(c));
  return program;
}

/** exitOverride / output settings are per command; apply them to every subcommand. */
function applyToTree(cmd: Command): void {
  cmd
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({ outputError: () => undefined });
  cmd.commands.forEach((c) => applyToTree(c));
}

/** Entry point used by bin/ossbatch.js: `main(process.argv)`. */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.code === 'commander.help'
      ) {
        process.exit(0);
      }
      if (err.code === 'commander.executeSubCommandAsync') process.exit(err.exitCode);
      fail(err.message, 2);
    }
    const exitCode = (err as { exitCode?: unknown }).exitCode;
    if (typeof exitCode === 'number') fail((err as Error).message, exitCode);
    fail(err instanceof Error ? err.message : String(err), 1);
  }
}
