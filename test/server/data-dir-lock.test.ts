import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, LOCK_FILE } from '../../src/db/sqlite/data-dir-lock.js';
import { startServer } from '../../src/server.js';
import { testConfig } from '../helpers/server.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-lock-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A pid that certainly belongs to no live process: a child that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('data directory lock', () => {
  it('refuses a second server on the same data directory while the first runs', async () => {
    const dataDir = tempDir();
    const first = await startServer(testConfig(dataDir));
    try {
      await expect(startServer(testConfig(dataDir))).rejects.toThrow(
        `in use by another ossbatch server (pid ${process.pid})`,
      );
    } finally {
      await first.close();
    }
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
    const again = await startServer(testConfig(dataDir));
    await again.close();
  });

  it('takes over a lock left by a killed process', () => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, LOCK_FILE), `${deadPid()}\n`);
    const lock = acquireDataDirLock(dataDir);
    expect(fs.readFileSync(path.join(dataDir, LOCK_FILE), 'utf8').trim()).toBe(String(process.pid));
    lock.release();
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
  });

  it('takes over an unreadable lock file', () => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, LOCK_FILE), 'garbage');
    acquireDataDirLock(dataDir).release();
  });
});

describe('data directory lock and killed servers', () => {
  it('takes over a lock whose process was killed but not yet reaped (a zombie)', async () => {
    const dataDir = tempDir();
    const { spawn } = await import('node:child_process');
    // The server stand-in runs under a parent that never reaps it (`exec sleep`), so once killed it
    // stays a zombie — what a restart right after `kill -9` can see before the shell reaps.
    const parent = spawn(
      'sh',
      ['-c', `"${process.execPath}" -e "setInterval(() => {}, 1000)" & echo $!; exec sleep 30`],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    const pid = await new Promise<number>((resolve) =>
      parent.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))),
    );
    const state = (): string => {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    };
    fs.writeFileSync(path.join(dataDir, LOCK_FILE), `${pid}\n`);
    try {
      expect(() => acquireDataDirLock(dataDir)).toThrow(`pid ${pid}`);
      // Killed while the shell has not yet exec'd sleep, the child was reaped by the shell (dash reaps its
      // jobs) and this test failed on a missing /proc entry under CI load: wait until the parent is sleep.
      const comm = (): string => fs.readFileSync(`/proc/${parent.pid}/comm`, 'utf8').trim();
      const execDeadline = Date.now() + 5000;
      while (comm() !== 'sleep' && Date.now() < execDeadline) await new Promise((r) => setTimeout(r, 10));
      expect(comm()).toBe('sleep');
      process.kill(pid, 'SIGKILL');
      const deadline = Date.now() + 5000;
      while (state() !== 'Z' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(state()).toBe('Z');
      acquireDataDirLock(dataDir).release();
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
