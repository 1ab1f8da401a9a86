import fs from 'node:fs';
import path from 'node:path';
import type { DiskFaults } from './disk-faults.js';

/** Largest reserve file: deletes and their metadata need kilobytes, not more. */
export const MAX_RESERVE_BYTES = 8 * 1024 * 1024;

/**
 * A file of zeros kept in the data dir (`reserve`) so deletes work even when something else filled the
 * disk to the last byte: a delete that hits a full disk releases it and retries (SQLite then has room to
 * grow its WAL), and it is re-created once free space is back above the floor. The floor alone only stops
 * this server's own uploads from filling the disk (issue 12).
 */
export class SpaceReserve {
  private readonly file: string;

  constructor(
    dataDir: string,
    readonly bytes: number,
    private readonly faults?: DiskFaults,
  ) {
    this.file = path.join(dataDir, 'reserve');
  }

  get held(): boolean {
    return this.bytes > 0 && fs.existsSync(this.file);
  }

  /** Creates the reserve unless present; a failure (no space) leaves no partial file behind. */
  ensure(): void {
    if (this.bytes <= 0 || fs.existsSync(this.file)) return;
    const tmp = `${this.file}.tmp`;
    try {
      this.faults?.beforeWrite('object-bytes');
      const fd = fs.openSync(tmp, 'w');
      try {
        fs.writeSync(fd, Buffer.alloc(this.bytes));
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(tmp, this.file);
    } catch {
      fs.rmSync(tmp, { force: true });
    }
  }

  /** Frees the reserve; true when there was one to free. */
  release(): boolean {
    if (!this.held) return false;
    fs.rmSync(this.file, { force: true });
    return true;
  }
}
