import fs from 'node:fs';
import path from 'node:path';
import { dataDirError } from './open-errors.js';

export const LOCK_FILE = 'ossbatch.lock';

/** Lock files this process holds: a file naming our own pid but not listed here is from a previous life. */
const heldHere = new Set<string>();

export interface DataDirLock {
  release(): void;
}

const HAS_PROC = fs.existsSync('/proc/self/stat');

/**
 * A killed process stays a zombie until its parent reaps it, and signal 0 still "reaches" a zombie:
 * on Linux read its state from /proc so a restart right after `kill -9` is not refused. The zombie may be
 * reaped between the signal-0 probe and this read: a missing /proc entry means the process is gone.
 */
function isZombieOrGone(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Format: "pid (comm) S ..."; comm may contain spaces and parentheses, so take the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch (e) {
    // ENOENT where /proc exists: reaped since the probe. No /proc (not Linux) or other errors: trust the probe.
    return (e as NodeJS.ErrnoException).code === 'ENOENT' && HAS_PROC;
  }
}

/** True when a live process with this pid exists (signal 0 probes without signalling). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return !isZombieOrGone(pid);
}

function readOwner(file: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8').trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One server per data directory. Two engines on one SQLite file would both sweep orphan files and
 * shards at start-up and could delete each other's in-flight work; with the lock held, every chunk
 * lease found in the database belongs to a dead process, so the engine may release them at once
 * instead of waiting out their TTL. A lock left by a killed process (its pid is gone) is taken over.
 * The `ossbatch ram` commands do not take it: they only write IAM rows, which SQLite serialises.
 * Creates the data dir when missing; one that cannot be created or written is a DatabaseConfigError.
 */
export function acquireDataDirLock(dataDir: string): DataDirLock {
  try {
    fs.mkdirSync(dataDir, { recursive: true });
  } catch (e) {
    throw dataDirError(e, dataDir);
  }
  const file = path.resolve(dataDir, LOCK_FILE);
  if (heldHere.has(file)) {
    throw new Error(
      `the data directory ${dataDir} is in use by another ossbatch server (pid ${process.pid})`,
    );
  }
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      heldHere.add(file);
      let released = false;
      return {
        release(): void {
          if (released) return;
          released = true;
          heldHere.delete(file);
          if (readOwner(file) === process.pid) fs.rmSync(file, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw dataDirError(e, dataDir);
    }
    const owner = readOwner(file);
    if (owner !== undefined && owner !== process.pid && processAlive(owner)) {
      throw new Error(`the data directory ${dataDir} is in use by another ossbatch server (pid ${owner})`);
    }
    // Stale (dead owner, our own pid from a previous life in a container, or unreadable): take it over.
    fs.rmSync(file, { force: true });
  }
  throw new Error(`could not lock the data directory ${dataDir}`);
}
