import { open } from 'node:fs/promises';

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
 * The bytes of small object files, read whole and kept (LRU, bounded). Correct without invalidation
 * rules: an object file is written once under a random name (blob-files.ts) and never changed, so bytes
 * cached under a name are that file's bytes for as long as any row names it; BlobFiles.remove() drops
 * the entry when the file goes, so memory is not held for deleted objects.
 */
export class SmallFiles {
  private readonly entries = new Map<string, Buffer>();
  private bytes = 0;

  constructor(private readonly budget = SMALL_FILE_CACHE_BYTES) {}

  /** The whole file of `size` bytes (≤ SMALL_OBJECT_BYTES), from memory or read once with one open. */
  async read(absolutePath: string, file: string, size: number): Promise<Buffer> {
    const hit = this.entries.get(file);
    if (hit !== undefined) {
      // Map order is recency: move the hit to the end.
      this.entries.delete(file);
      this.entries.set(file, hit);
      return hit;
    }
    const bytes = await readExactly(absolutePath, size);
    this.add(file, bytes);
    return bytes;
  }

  drop(file: string): void {
    const hit = this.entries.get(file);
    if (hit === undefined) return;
    this.entries.delete(file);
    this.bytes -= hit.length;
  }

  private add(file: string, bytes: Buffer): void {
    if (bytes.length > this.budget) return;
    this.drop(file);
    this.entries.set(file, bytes);
    this.bytes += bytes.length;
    for (const [oldest, b] of this.entries) {
      if (this.bytes <= this.budget) break;
      this.entries.delete(oldest);
      this.bytes -= b.length;
    }
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
