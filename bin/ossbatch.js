#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm ci` (the `prepare` script).
import { main } from '../dist/cli/main.js';
import { applyV8Flags } from './v8-flags.js';

applyV8Flags();

main(process.argv).catch((err) => {
  process.stderr.write(`ossbatch: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
