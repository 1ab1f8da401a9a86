#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm ci` (the `prepare` script).
import { main } from '../dist/cli/main.js';

main(process.argv).catch((err) => {
  process.stderr.write(`ossbatch: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
