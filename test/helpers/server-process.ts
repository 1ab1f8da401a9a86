/**
 * `ossbatch server` as a real process (the built CLI in dist/, built by `npm test`) on this vitest
 * project's backend: a fresh data dir, and `--db postgres://…` naming a fresh database in the postgres
 * project. The test process opens the same database through the one factory for RAM set-up (what
 * `ossbatch ram --db` does); the server sees those writes through its iam-changed notifications.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type OSS from 'ali-oss';
import { createBackend, type Backend } from '../../src/db/backend.js';
import type { IamAdmin } from '../../src/iam/admin-types.js';
import { systemClock } from '../../src/protocol/clock.js';
import { makeClient, type ClientOptions } from './server.js';
import { openTestDb, TEST_BACKEND, type TestBackendName, type TestDb } from './test-backend.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(REPO, 'bin/ossbatch.js');

/** Builds dist/ when a file is run alone on a fresh checkout (`npm test` builds first). */
export function ensureBuilt(): void {
  if (!fs.existsSync(path.join(REPO, 'dist/cli/main.js'))) {
    spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: REPO, stdio: 'ignore' });
  }
}

/** The environment without root identity variables from the developer's shell. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env['OSSBATCH_ROOT_ACCESS_KEY_ID'];
  delete env['OSSBATCH_ROOT_ACCESS_KEY_SECRET'];
  delete env['OSSBATCH_ACCOUNT_ID'];
  delete env['OSSBATCH_DB'];
  return { ...env, ...extra };
}

export interface SpawnedServer {
  readonly child: ChildProcess;
  /** Resolves with the exit code once the process ended. */
  readonly exited: Promise<number | null>;
  output(): { stdout: string; stderr: string };
  /** Resolves with the URL once the banner is printed; rejects when the process exits first. */
  readonly listening: Promise<{ url: string; port: number }>;
}

/** Spawns `ossbatch server --port 0 …args`. */
export function spawnServer(args: readonly string[], env: NodeJS.ProcessEnv = cleanEnv()): SpawnedServer {
  const child = spawn(process.execPath, [BIN, 'server', '--port', '0', '--log-level', 'warn', ...args], {
    cwd: REPO,
    env,
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const listening = new Promise<{ url: string; port: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stdout} ${stderr}`)), 20_000);
    child.stdout?.on('data', () => {
      const m = /ossbatch listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(stdout);
      if (!m?.[1] || !m[2]) return;
      clearTimeout(timer);
      resolve({ url: m[1], port: Number(m[2]) });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${stderr}`));
    });
  });
  listening.catch(() => undefined);
  return { child, exited, listening, output: () => ({ stdout, stderr }) };
}

/** Ends a spawned server with SIGTERM (SIGKILL after 10 s) and waits for the exit. */
export async function stopServer(s: SpawnedServer): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  s.child.kill('SIGTERM');
  const timer = setTimeout(() => s.child.kill('SIGKILL'), 10_000);
  await s.exited;
  clearTimeout(timer);
}

export interface ProcessServer {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly testDb: TestDb;
  readonly root: { accountId: string; accessKeyId: string; secret: string };
  /** The server's database opened in the test process (RAM set-up, as `ossbatch ram --db`). */
  readonly backend: Backend;
  readonly iamAdmin: IamAdmin;
  readonly spawned: SpawnedServer;
  client(opts?: ClientOptions): OSS;
  close(): Promise<void>;
}

/** A server process on a fresh database of `backend` (default: this project's) with a known root key. */
export async function startServerProcess(backend: TestBackendName = TEST_BACKEND): Promise<ProcessServer> {
  ensureBuilt();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-proc-'));
  const testDb = await openTestDb('proc', backend);
  const root = {
    accountId: String(1_000_000_000_000_000 + randomBytes(3).readUIntBE(0, 3)),
    accessKeyId: `LTAIproc${randomBytes(6).toString('hex')}`,
    secret: randomBytes(15).toString('base64url'),
  };
  const env = cleanEnv({
    OSSBATCH_ROOT_ACCESS_KEY_ID: root.accessKeyId,
    OSSBATCH_ROOT_ACCESS_KEY_SECRET: root.secret,
    OSSBATCH_ACCOUNT_ID: root.accountId,
  });
  const spawned = spawnServer(['--data-dir', dataDir, ...(testDb.url ? ['--db', testDb.url] : [])], env);
  const { url, port } = await spawned.listening;
  const db = await createBackend({ db: testDb.db, dataDir });
  return {
    url,
    port,
    dataDir,
    testDb,
    root,
    backend: db,
    iamAdmin: db.iamAdmin.admin(root.accountId, systemClock),
    spawned,
    client: (opts) => makeClient(port, root, opts),
    async close() {
      await stopServer(spawned);
      await db.close();
      await testDb.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
