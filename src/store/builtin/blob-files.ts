import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, open, readdir, rename, rm, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { OssError } from '../../protocol/oss-error.js';
import { randomHex } from '../../protocol/ids.js';
import type { DiskFaults } from './disk-faults.js';
import { FreeSpace, RECHECK_BYTES } from './free-space.js';
import { MAX_RESERVE_BYTES, SpaceReserve } from './space-reserve.js';
import { SMALL_OBJECT_BYTES, SmallFiles } from './small-files.js';

/** Largest single PUT OSS accepts: 5 GiB (EntityTooLarge above). */
export const MAX_OBJECT_SIZE = 5 * 1024 ** 3;

export interface WrittenBody {
  /** Temp file holding the bytes; null for an empty body (empty bodies need no file). */
  readonly tmp: string | null;
  readonly size: number;
  readonly md5: Buffer;
}

/**
 * Object bytes on disk. Files are named by a random id (keys are arbitrary bytes and cannot be file
 * names), sharded into 256 directories `objects/<2 hex>/<id>` so no directory grows huge. Writes go to
 * `tmp/` first and are renamed into place only when complete, so a crash never leaves a half object.
 */
export class BlobFiles {
  private readonly objectsDir: string;
  private readonly tmpDir: string;

  private readonly space: FreeSpace;
  private readonly small = new SmallFiles();
  /** Released by a delete that finds the disk full (space-reserve.ts). */
  readonly reserve: SpaceReserve;

  constructor(
    dataDir: string,
    private readonly maxSize: number = MAX_OBJECT_SIZE,
    /** Free bytes kept for deletes and metadata (free-space.ts); 0 disables the check. */
    minFreeBytes = 0,
    /** Test seam only (disk-faults.ts): a simulated full disk. */
    private readonly faults?: DiskFaults,
  ) {
    this.objectsDir = path.join(dataDir, 'objects');
    this.tmpDir = path.join(dataDir, 'tmp');
    this.reserve = new SpaceReserve(dataDir, Math.min(minFreeBytes, MAX_RESERVE_BYTES), faults);
    this.space = new FreeSpace(dataDir, minFreeBytes, this.reserve, faults);
  }

  /** Creates the directories and removes leftovers of a crash: temp files, and files no row references. */
  async init(isReferenced: (file: string) => boolean): Promise<void> {
    await rm(this.tmpDir, { recursive: true, force: true });
    await mkdir(this.tmpDir, { recursive: true });
    await mkdir(this.objectsDir, { recursive: true });
    this.reserve.ensure();
    // Shard directories are created on first use, so a fresh store costs no 256 mkdirs.
    for (const shard of await readdir(this.objectsDir)) {
      const dir = path.join(this.objectsDir, shard);
      // A crash between the rename and the metadata commit (or after the commit, before the old file's
      // unlink) leaves a file no row names; it is garbage.
      for (const name of await readdir(dir)) {
        const file = `${shard}/${name}`;
        if (!isReferenced(file)) await unlink(path.join(dir, name)).catch(() => undefined);
      }
    }
  }

  /**
   * writeTemp, then the checks OSS makes on every received body (PutObject, UploadPart): the byte count
   * against Content-Length (IncompleteBody) and the MD5 against Content-MD5 (InvalidDigest). A body that
   * fails either is discarded before the error is thrown.
   */
  async writeChecked(
    body: AsyncIterable<unknown>,
    declaredSize: number | undefined,
    expectedMd5: Buffer | undefined,
    limit: number = this.maxSize,
  ): Promise<WrittenBody> {
    const written = await this.writeTemp(body, declaredSize, limit);
    if (declaredSize !== undefined && written.size !== declaredSize) {
      await this.discard(written.tmp);
      throw new OssError(
        'IncompleteBody',
        `The body is ${written.size} bytes but Content-Length is ${declaredSize}.`,
      );
    }
    if (expectedMd5 !== undefined && !expectedMd5.equals(written.md5)) {
      await this.discard(written.tmp);
      throw new OssError('InvalidDigest', 'The Content-MD5 you specified did not match what was received.');
    }
    return written;
  }

  /**
   * Streams the body into a temp file while hashing it; throws EntityTooLarge past `limit` (5 GiB unless
   * given: a multipart object assembled from parts may be larger) and 507 InsufficientStorage when the bytes
   * would eat into the free-space reserve: checked before the first byte is read (against `declaredSize`
   * when known) and again every RECHECK_BYTES while it streams.
   */
  async writeTemp(
    body: AsyncIterable<unknown>,
    declaredSize?: number,
    limit: number = this.maxSize,
  ): Promise<WrittenBody> {
    if (declaredSize !== 0) await this.space.require(declaredSize ?? 0);
    const hash = createHash('md5');
    let size = 0;
    let checkedAt = 0;
    let handle: FileHandle | undefined;
    const tmp = path.join(this.tmpDir, `${randomHex(16)}.tmp`);
    try {
      for await (const raw of body) {
        const chunk = typeof raw === 'string' ? Buffer.from(raw) : (raw as Buffer);
        if (chunk.length === 0) continue;
        size += chunk.length;
        if (size > limit) throw new OssError('EntityTooLarge', `The object is larger than ${limit} bytes.`);
        if (size - checkedAt >= RECHECK_BYTES && declaredSize === undefined) {
          checkedAt = size;
          await this.space.require(0);
        }
        hash.update(chunk);
        handle ??= await open(tmp, 'w');
        this.faults?.beforeWrite('object-bytes');
        await handle.write(chunk);
      }
      // fsync before the rename so a power loss cannot leave a renamed-but-empty file. It costs one
      // disk flush per PUT (the 3–5k files/s ceiling of ARCHITECTURE.md §4), which is acceptable for
      // object uploads; the batch path never writes files.
      if (handle) await handle.sync();
    } catch (e) {
      await handle?.close().catch(() => undefined);
      if (handle) await unlink(tmp).catch(() => undefined);
      throw e;
    }
    await handle?.close();
    return { tmp: handle ? tmp : null, size, md5: hash.digest() };
  }

  /** Moves a completed temp file into place under a fresh random name, returned relative to objects/. */
  async place(tmp: string): Promise<string> {
    const id = randomHex(16);
    const shard = id.slice(0, 2);
    const target = path.join(this.objectsDir, shard, id);
    try {
      await rename(tmp, target);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      await mkdir(path.join(this.objectsDir, shard), { recursive: true });
      await rename(tmp, target);
    }
    return `${shard}/${id}`;
  }

  /** Copies an object file of `size` bytes to a new temp file (fsynced) for CopyObject. */
  async copyToTemp(file: string, size: number): Promise<string> {
    await this.space.require(size);
    const tmp = path.join(this.tmpDir, `${randomHex(16)}.tmp`);
    this.faults?.beforeWrite('object-bytes');
    await copyFile(path.join(this.objectsDir, file), tmp);
    const handle = await open(tmp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    return tmp;
  }

  async discard(tmp: string | null): Promise<void> {
    if (tmp) await unlink(tmp).catch(() => undefined);
  }

  /** Removes an object file after the metadata no longer references it; a failure is left to start-up cleanup. */
  async remove(file: string | null): Promise<void> {
    if (!file) return;
    this.small.drop(file);
    await unlink(path.join(this.objectsDir, file)).catch(() => undefined);
  }

  /**
   * The bytes of an object of at most SMALL_OBJECT_BYTES in one buffer (`range` inclusive), or undefined
   * for a larger one (stream it with open()). A file-less object (seeded metadata) reads as zeros.
   */
  async readSmall(
    file: string | null,
    size: number,
    range?: { start: number; end: number },
  ): Promise<Buffer | undefined> {
    if (size > SMALL_OBJECT_BYTES) return undefined;
    // A cached file's path is not built: path.join costs ~0.4 µs per GET (normalising the whole path).
    const whole =
      file === null
        ? Buffer.alloc(size)
        : (this.small.cached(file) ?? (await this.small.read(path.join(this.objectsDir, file), file, size)));
    return range === undefined ? whole : whole.subarray(range.start, range.end + 1);
  }

  /** Opens the bytes; `range` is inclusive. A file-less object of size > 0 (seeded) reads as zeros. */
  open(file: string | null, size: number, range?: { start: number; end: number }): Readable {
    const start = range?.start ?? 0;
    const end = range?.end ?? size - 1;
    if (end < start) return Readable.from([]);
    if (file === null) return zeros(end - start + 1);
    return createReadStream(path.join(this.objectsDir, file), { start, end });
  }

  /**
   * The bytes of `open`, read into two buffers in turn: a chunk is valid until the next is asked for, and
   * the read of the next runs while the caller works on this one. A stream hands out a new 64 KiB buffer per
   * read, and a reader that makes no JS garbage (the CSV planner) leaves them all to the next scavenge:
   * planning a 1M-row manifest (26 MB) left 25 MB of them uncollected that way, nothing this way, in the
   * same time (`bench/manifest-scan.ts`). One buffer without the read-ahead planned ~20% slower than the
   * stream (72-88 ms against 55-69, ad hoc).
   */
  async *scan(
    file: string | null,
    size: number,
    range?: { start: number; end: number },
  ): AsyncGenerator<Buffer> {
    const start = range?.start ?? 0;
    const end = range?.end ?? size - 1;
    if (end < start) return;
    if (file === null) {
      // A seeded object: open's zeros, one block lent again and again, allocate nothing per chunk either.
      yield* zeros(end - start + 1) as AsyncIterable<Buffer>;
      return;
    }
    const chunkBytes = Math.min(SCAN_CHUNK_BYTES, end - start + 1);
    let current = Buffer.allocUnsafeSlow(chunkBytes);
    let spare = Buffer.allocUnsafeSlow(chunkBytes);
    const fh = await open(path.join(this.objectsDir, file), 'r');
    const readAt = (buf: Buffer, pos: number): Promise<number> => {
      if (pos > end) return Promise.resolve(0);
      const read = fh.read(buf, 0, Math.min(chunkBytes, end - pos + 1), pos).then((r) => r.bytesRead);
      // The caller may take several loop turns before it asks for this read: a failure waits for it there
      // instead of surfacing as an unhandled rejection.
      read.catch(() => undefined);
      return read;
    };
    let next: Promise<number> = Promise.resolve(0);
    try {
      next = readAt(current, start);
      for (let pos = start; ;) {
        const bytesRead = await next;
        if (bytesRead === 0) return;
        pos += bytesRead;
        next = readAt(spare, pos);
        yield current.subarray(0, bytesRead);
        [current, spare] = [spare, current];
      }
    } finally {
      // A caller that stops early leaves a read in flight: the handle closes after it.
      await next.catch(() => undefined);
      await fh.close();
    }
  }
}

/** What scan reads at a time: the size of a stream's reads (createReadStream's highWaterMark). */
const SCAN_CHUNK_BYTES = 64 * 1024;

function zeros(length: number): Readable {
  const block = Buffer.alloc(Math.min(length, 64 * 1024));
  let left = length;
  return new Readable({
    read() {
      if (left <= 0) {
        this.push(null);
        return;
      }
      const n = Math.min(left, block.length);
      left -= n;
      this.push(block.subarray(0, n));
    },
  });
}
