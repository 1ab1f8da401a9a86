/**
 * Every CLI test spawns `ossbatch` processes, and before issue 10 each one loaded the whole server (fastify,
 * the AWS SDK, better-sqlite3: ~1 s of CPU) just to print `--version` or run `ossbatch ls`, which is what
 * made test/cli time out on a loaded machine. Only `ossbatch server` (and `ram`, which opens the database)
 * may load them: cli/server.ts imports the server when the command runs.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, REPO, cleanEnv, ensureBuilt } from '../helpers/cli-process.js';

const HEAVY = ['fastify', '@aws-sdk/client-s3', 'pg', 'better-sqlite3', 'ali-oss'];

let tmp: string;
let probe: string;

beforeAll(() => {
  ensureBuilt();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-startup-'));
  probe = path.join(tmp, 'probe.cjs');
  // Packages are CommonJS: whatever was loaded, also through `import`, is in require.cache at exit.
  fs.writeFileSync(
    probe,
    `process.on('exit', () => {
      const names = Object.keys(require.cache).map((f) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(f)?.[1]);
      require('fs').writeFileSync(${JSON.stringify(path.join(tmp, 'loaded.json'))}, JSON.stringify([...new Set(names)]));
    });`,
  );
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The packages `ossbatch <args>` loaded, of HEAVY. */
function heavyLoaded(args: string[]): string[] {
  const r = spawnSync(process.execPath, ['--require', probe, BIN, ...args], {
    cwd: REPO,
    env: cleanEnv({ OSSBATCH_CONFIG: path.join(tmp, 'config') }),
    encoding: 'utf8',
    // A command that does not exit (a server that started after all) fails the test instead of hanging it.
    timeout: 20_000,
  });
  expect(r.error).toBeUndefined();
  const loaded = JSON.parse(fs.readFileSync(path.join(tmp, 'loaded.json'), 'utf8')) as string[];
  return HEAVY.filter((name) => loaded.includes(name));
}

describe('what a CLI command loads', () => {
  it.each([[['--version']], [['ls', '--help']], [['job', 'list', '--help']], [['config', '--show']]])(
    'ossbatch %j loads none of the server packages',
    (args) => {
      expect(heavyLoaded(args)).toEqual([]);
    },
  );

  it('the probe sees them when they are loaded (ossbatch server on a port already in use)', async () => {
    // A refused start still loads the server: the probe must report fastify then, or the test above proves nothing.
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = String((taken.address() as net.AddressInfo).port);
      const args = ['server', '--port', port, '--host', '127.0.0.1', '--data-dir', path.join(tmp, 'data')];
      expect(heavyLoaded(args)).toContain('fastify');
    } finally {
      taken.close();
    }
  });
});
