import { statfs } from 'node:fs/promises';
import { insufficientStorage } from '../storage-full.js';
import type { DiskFaults } from './disk-faults.js';
import type { SpaceReserve } from './space-reserve.js';

/** While a body streams in, free space is re-checked after this many bytes (one statfs per 8 MiB). */
export const RECHECK_BYTES = 8 * 1024 * 1024;

/**
 * The reserve that keeps deletes and metadata writes possible on a filling disk (issue 12: a full data
 * dir made DeleteObject fail with SQLITE_FULL, so space could not be freed through the API). New object
 * bytes are refused while the data dir's filesystem has less than `floor` bytes free (after the incoming
 * body, when its size is known); deletes, tags, ACLs and job bookkeeping write only metadata, a few KB
 * each, and keep working inside the reserve.
 */
export class FreeSpace {
  constructor(
    private readonly dir: string,
    private readonly floor: number,
    private readonly reserve?: SpaceReserve,
    private readonly faults?: DiskFaults,
  ) {}

  /** Bytes available to this (unprivileged) process on the data dir's filesystem. */
  async available(): Promise<number> {
    const simulated = this.faults?.freeBytes();
    if (simulated !== undefined) return simulated;
    const s = await statfs(this.dir);
    return s.bavail * s.bsize;
  }

  /** Throws 507 InsufficientStorage unless `incoming` more bytes still leave `floor` free. */
  async require(incoming: number): Promise<void> {
    if (this.floor <= 0) return;
    const free = await this.available();
    // A reserve released by a delete on a full disk comes back as soon as there is room for it again.
    if (this.reserve && !this.reserve.held && free - incoming >= this.floor + this.reserve.bytes) {
      this.reserve.ensure();
      return;
    }
    if (free - incoming < this.floor) {
      throw insufficientStorage(
        `The server keeps ${this.floor} bytes of its disk free for deletes and metadata and has ${free} bytes ` +
          `free; delete objects or add space, then retry.`,
      );
    }
  }
}
