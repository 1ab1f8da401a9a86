/**
 * A small tmpfs for full-disk tests (issue 12). Mounting needs root (CI runs as root); elsewhere the
 * tests that need it are skipped with this module's reason.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';

export interface Tmpfs {
  readonly dir: string;
  unmount(): void;
}

function tryMount(sizeBytes: number): Tmpfs | string {
  if (process.platform !== 'linux') return 'tmpfs mounts need Linux';
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root (CI runs the suite as root)';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    return `mount -t tmpfs is not permitted here: ${(e as Error).message.split('\n')[0]}`;
  }
  return {
    dir,
    unmount() {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Probed once per test file: either a way to mount, or the reason there is none. */
export const TMPFS_UNAVAILABLE: string | undefined = (() => {
  const probe = tryMount(1024 * 1024);
  if (typeof probe === 'string') return probe;
  probe.unmount();
  return undefined;
})();

export function mountTmpfs(sizeBytes: number): Tmpfs {
  const m = tryMount(sizeBytes);
  if (typeof m === 'string') throw new Error(m);
  return m;
}

export function freeBytes(dir: string): number {
  const s = fs.statfsSync(dir);
  return s.bavail * s.bsize;
}

/**
 * Fills the filesystem with a ballast file until at most `leave` bytes are free (0: until ENOSPC), as
 * another process filling the disk would. Deleting the ballast gives the space back.
 */
export function fillDisk(dir: string, leave = 0): string {
  const ballast = path.join(dir, `ballast-${process.pid}-${Date.now()}`);
  const fd = fs.openSync(ballast, 'w');
  try {
    for (const block of [1024 * 1024, 64 * 1024, 4096]) {
      const buf = Buffer.alloc(block, 0x5a);
      while (freeBytes(dir) - block >= leave) {
        try {
          fs.writeSync(fd, buf);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw e;
        }
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return ballast;
}

/** A pino logger whose JSON lines land in `lines` (to count what the server logged). */
export function capturingLogger(level: pino.Level = 'warn'): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  return { logger: pino({ level }, stream), lines };
}
