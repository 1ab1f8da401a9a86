/** Runs the CLI's register* functions on a fresh commander program with captured output (no process.exit). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import type { CliIo } from '../../src/cli/output.js';

export type Register = (program: Command, io: CliIo) => unknown;

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface HarnessOptions {
  env?: Record<string, string | undefined>;
  isTTY?: boolean;
  sleep?: (ms: number) => Promise<void>;
}

/** A temp HOME and OSSBATCH_CONFIG so no test ever reads or writes the real ~/.ossbatch. */
export function tempHome(): { home: string; configFile: string; cleanup(): void } {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-home-'));
  return {
    home,
    configFile: path.join(home, '.ossbatch', 'config'),
    cleanup: () => fs.rmSync(home, { recursive: true, force: true }),
  };
}

export async function runCli(
  registers: readonly Register[],
  argv: readonly string[],
  opts: HarnessOptions & { home: string },
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s), isTTY: opts.isTTY ?? false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env: { OSSBATCH_CONFIG: path.join(opts.home, '.ossbatch', 'config'), ...(opts.env ?? {}) },
    now: () => Date.now(),
    sleep: opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    homeDir: opts.home,
  };
  const program = new Command('ossbatch').exitOverride().configureOutput({
    writeOut: (s) => (stdout += s),
    writeErr: (s) => (stderr += s),
    outputError: () => undefined,
  });
  for (const register of registers) register(program, io);
  try {
    await program.parseAsync(['node', 'ossbatch', ...argv]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    if (err instanceof CommanderError) {
      const help = err.code === 'commander.helpDisplayed' || err.code === 'commander.help';
      if (!help) stderr += `ossbatch: ${err.message.replace(/^error: /, '')}\n`;
      return { code: help ? 0 : err.exitCode === 1 ? 2 : err.exitCode, stdout, stderr };
    }
    // What src/cli/main.ts does with an error carrying exitCode: one line on stderr.
    const exitCode = (err as { exitCode?: unknown }).exitCode;
    stderr += `ossbatch: ${(err as Error).message}\n`;
    return { code: typeof exitCode === 'number' ? exitCode : 1, stdout, stderr };
  }
}
