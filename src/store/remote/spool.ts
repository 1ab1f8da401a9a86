import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { OssError } from '../../protocol/oss-error.js';
import { MAX_OBJECT_SIZE } from '../builtin/blob-files.js';
import { decodeMd5 } from '../builtin/object-input.js';
import { insufficientStorage, isStorageExhausted } from '../storage-full.js';

/** A request body held locally so that it can be checked before it leaves and replayed on a retry. */
export interface SpooledBody {
  readonly size: number;
  /** Base64 MD5, sent as Content-MD5 so the store checks the bytes it received too. */
  readonly md5Base64: string;
  /** Upper-case hex MD5. */
  readonly md5Hex: string;
  /** The temp file, or null when the body is small enough to stay in memory. */
  readonly file: string | null;
  /** A fresh stream over the bytes (once per attempt). */
  open(): Readable;
  /** The bytes in memory (small bodies only; large ones throw). */
  buffer(): Buffer;
  dispose(): Promise<void>;
}

/** Bodies up to 1 MiB stay in memory (a tagging-sized object costs no file); larger ones go to a file. */
const MEMORY_LIMIT = 1024 * 1024;

/**
 * Reads a PutObject body while hashing it and applies the checks the built-in store applies (EntityTooLarge,
 * IncompleteBody, InvalidDigest) before anything is sent, so every store refuses the same bodies and a
 * refused body leaves the remote object untouched.
 */
export async function spoolBody(
  body: AsyncIterable<unknown>,
  tmpDir: string,
  expect: { contentMd5?: string | undefined; contentLength?: number | undefined },
): Promise<SpooledBody> {
  const wantMd5 = expect.contentMd5 === undefined ? undefined : decodeMd5(expect.contentMd5);
  const hash = createHash('md5');
  const parts: Buffer[] = [];
  let size = 0;
  let file: string | null = null;
  let handle: FileHandle | undefined;
  try {
    for await (const raw of body) {
      const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw as string);
      size += chunk.length;
      if (size > MAX_OBJECT_SIZE)
        throw new OssError('EntityTooLarge', `The object is larger than ${MAX_OBJECT_SIZE} bytes.`);
      hash.update(chunk);
      if (handle === undefined && size > MEMORY_LIMIT) {
        await mkdir(tmpDir, { recursive: true });
        file = path.join(tmpDir, `${randomBytes(12).toString('hex')}.spool`);
        handle = await open(file, 'w');
        for (const p of parts) await handle.write(p);
        parts.length = 0;
      }
      if (handle) await handle.write(chunk);
      else parts.push(chunk);
    }
    await handle?.close();
    handle = undefined;
    const md5 = hash.digest();
    if (expect.contentLength !== undefined && size !== expect.contentLength) {
      throw new OssError(
        'IncompleteBody',
        `The body is ${size} bytes but Content-Length is ${expect.contentLength}.`,
      );
    }
    if (wantMd5 !== undefined && !wantMd5.equals(md5)) {
      throw new OssError('InvalidDigest', 'The Content-MD5 you specified did not match what was received.');
    }
    return spooled(md5, size, file, Buffer.concat(parts));
  } catch (e) {
    await handle?.close().catch(() => undefined);
    if (file !== null) await unlink(file).catch(() => undefined);
    // A full disk under the spool is the data dir's, as for the built-in store: 507, retryable by clients.
    if (isStorageExhausted(e) && !(e instanceof OssError)) {
      throw insufficientStorage('The data directory has no room to stage the upload.');
    }
    throw e;
  }
}

function spooled(md5: Buffer, size: number, file: string | null, mem: Buffer): SpooledBody {
  return {
    size,
    md5Base64: md5.toString('base64'),
    md5Hex: md5.toString('hex').toUpperCase(),
    file,
    open: () => (file === null ? Readable.from([mem]) : createReadStream(file)),
    buffer: () => {
      if (file !== null) throw new Error('a spooled file body has no in-memory buffer');
      return mem;
    },
    dispose: async () => {
      if (file !== null) await unlink(file).catch(() => undefined);
    },
  };
}
