/**
 * A full disk without root (issue 12): the built-in store's test seam (src/store/builtin/disk-faults.ts)
 * driven like a small filesystem that someone else fills. The real-tmpfs tests (tmpfs.ts) run where a
 * tmpfs can be mounted (CI, as root); these run everywhere.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { DiskFaults } from '../../src/store/builtin/index.js';

export class SimulatedDisk implements DiskFaults {
  private free: number | undefined;
  private full = false;
  private reserveAtFill = false;

  /** `dataDir`: where the store keeps its `reserve` file (whose bytes a delete may release). */
  constructor(private readonly dataDir: string) {}

  /** statfs reports `bytes` free; writes still succeed (below the floor, not out of space). */
  setFree(bytes: number): void {
    this.free = bytes;
    this.full = false;
  }

  /**
   * Full to the last byte: statfs shows 0 free, object bytes fail with ENOSPC and metadata writes with
   * SQLITE_FULL — until the store releases its reserve file, whose bytes are then the room the metadata
   * writes use, as on a real disk.
   */
  fillToLastByte(): void {
    this.failWrites();
    this.free = 0;
  }

  /**
   * Writes fail as on a full disk while statfs still shows room (someone filled the disk after the store
   * checked its free space).
   */
  failWrites(): void {
    this.free = undefined;
    this.full = true;
    this.reserveAtFill = fs.existsSync(this.reservePath);
  }

  /** The space is back. */
  restore(): void {
    this.free = undefined;
    this.full = false;
  }

  get reservePath(): string {
    return path.join(this.dataDir, 'reserve');
  }

  freeBytes(): number | undefined {
    return this.free;
  }

  beforeWrite(target: 'object-bytes' | 'metadata'): void {
    if (!this.full) return;
    if (target === 'metadata' && this.reserveAtFill && !fs.existsSync(this.reservePath)) return;
    if (target === 'metadata') throw new Database.SqliteError('database or disk is full', 'SQLITE_FULL');
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC',
      errno: -28,
      syscall: 'write',
    });
  }
}
