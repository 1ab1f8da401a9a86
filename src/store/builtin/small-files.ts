import { open } from 'node:fs/promises';
import { LRUCache } from 'lru-cache';

/**
 * Objects up to this size are served from one buffer instead of a file stream. Streaming a 5-byte object
 * cost ~550 µs of server CPU per GET against ~200 µs for a HeadObject (`npm run bench:http`, presigned
 * GET): open, read, read-to-EOF, close on the thread pool, a ReadStream and a pipeline per request, and a
 * second socket write for the body. 64 KiB keeps each held buffer small; larger objects stream as before.
 */
export const SMALL_OBJECT_BYTES = 64 * 1024;

/** Memory for the bytes of recently read small objects (least recently used dropped first). */
export const SMALL_FILE_CACHE_BYTES = 32 * 1024 * 1024;

/**
 * The bytes of small object files, read whole and kept (LRU, bounded by bytes: lru-cache's maxSize with the
 * buffer length as each entry's size). Correct without invalidation rules: an object file is written once
 * under a random name (blob-files.ts) and never changed, so bytes cached under a name are that file's bytes
 * for as long as any row names it; BlobFiles.remove() drops the entry when the file goes, so memory is not
 * held for deleted objects. (A hand-written Map LRU did the same; lru-cache replaced it at no measurable
 * cost per GET, docs/performance.md, issue 10.)
 */
export class SmallFiles {
  private readonly entries: LRUCache<string, Buffer>;

  constructor(budget = SMALL_FILE_CACHE_BYTES) {
    // An entry larger than the whole budget is not kept (maxEntrySize defaults to maxSize); a 0-byte
    // range still counts 1 so that every entry has the positive size lru-cache requires.
    this.entries = new LRUCache({ maxSize: budget, sizeCalculation: (b) => Math.max(1, b.length) });
  }

  /** The file's bytes if they are in memory (no path to build: the hot GET's case). */
  cached(file: string): Buffer | undefined {
    return this.entries.get(file);
  }

  /** The whole file of `size` bytes (≤ SMALL_OBJECT_BYTES), from memory or read once with one open. */
  async read(absolutePath: string, file: string, size: number): Promise<Buffer> {
    const hit = this.entries.get(file);
    if (hit !== undefined) return hit;
    const bytes = await readExactly(absolutePath, size);
    this.entries.set(file, bytes);
    return bytes;
  }

  drop(file: string): void {
    this.entries.delete(file);
  }
}

/** Reads `size` bytes from the start of a file; a shorter file is an error (the row and file disagree). */
async function readExactly(absolutePath: string, size: number): Promise<Buffer> {
  const handle = await open(absolutePath, 'r');
  try {
    // Not from the shared pool: a cached 5-byte slice would keep its whole 8 KiB pool chunk alive.
    const buf = Buffer.allocUnsafeSlow(size);
    let at = 0;
    while (at < size) {
      const { bytesRead } = await handle.read(buf, at, size - at, at);
      if (bytesRead === 0) throw new Error(`object file ${absolutePath} is shorter than ${size} bytes`);
      at += bytesRead;
    }
    return buf;
  } finally {
    await handle.close();
  }
}
