import { StringDecoder } from 'node:string_decoder';
import { ManifestError } from './types.js';

/** A manifest line longer than this is refused, so a file without newlines cannot grow memory without bound. */
export const MAX_LINE_BYTES = 1024 * 1024;

/**
 * Called once per physical line: bytes [start, end) of `buf` (newline excluded, `\r` still there),
 * `absStart` = the line's byte offset in the object, `absNext` = offset just past its newline.
 */
export type ByteLineHandler = (
  buf: Buffer,
  start: number,
  end: number,
  absStart: number,
  absNext: number,
) => void;

const tooLong = (): ManifestError =>
  new ManifestError('InvalidManifest', `A manifest line is longer than ${MAX_LINE_BYTES} bytes.`);

/**
 * Splits a byte stream into lines without decoding it: Buffer.indexOf(0x0a) over each stream chunk, a
 * line cut by a chunk border is the only copy made. This is what lets planning reach ~10^6 rows/s.
 * A chunk may be overwritten once the next is asked for (ObjectStore.scanObject): nothing of it is kept.
 */
export async function forEachByteLine(
  chunks: AsyncIterable<Buffer>,
  onLine: ByteLineHandler,
): Promise<number> {
  let base = 0;
  let carry: Buffer | null = null;
  let carryStart = 0;
  for await (const chunk of chunks) {
    let pos = 0;
    if (carry) {
      const nl = chunk.indexOf(0x0a);
      if (nl === -1) {
        carry = Buffer.concat([carry, chunk]);
        if (carry.length > MAX_LINE_BYTES) throw tooLong();
        base += chunk.length;
        continue;
      }
      const line = Buffer.concat([carry, chunk.subarray(0, nl)]);
      onLine(line, 0, line.length, carryStart, base + nl + 1);
      pos = nl + 1;
      carry = null;
    }
    let nl = chunk.indexOf(0x0a, pos);
    while (nl !== -1) {
      onLine(chunk, pos, nl, base + pos, base + nl + 1);
      pos = nl + 1;
      nl = chunk.indexOf(0x0a, pos);
    }
    if (pos < chunk.length) {
      if (chunk.length - pos > MAX_LINE_BYTES) throw tooLong();
      carry = Buffer.from(chunk.subarray(pos));
      carryStart = base + pos;
    }
    base += chunk.length;
  }
  if (carry) onLine(carry, 0, carry.length, carryStart, base);
  return base;
}

/**
 * Decodes a byte stream to text lines (`\r` stripped), one array per stream chunk, for the readers:
 * V8 string indexOf/slice over a decoded chunk is cheaper per row than per-field Buffer.toString calls,
 * and one await per chunk (not per line) keeps the async overhead off the per-row cost. Each chunk is
 * decoded before the next is asked for, so a reused buffer (ObjectStore.scanObject) is fine.
 */
export async function* textLineBatches(chunks: AsyncIterable<Buffer>): AsyncGenerator<string[]> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  for await (const chunk of chunks) {
    const text = carry + decoder.write(chunk);
    const lines: string[] = [];
    let pos = 0;
    let nl = text.indexOf('\n');
    while (nl !== -1) {
      lines.push(stripCr(text, pos, nl));
      pos = nl + 1;
      nl = text.indexOf('\n', pos);
    }
    carry = text.slice(pos);
    if (carry.length > MAX_LINE_BYTES) throw tooLong();
    if (lines.length > 0) yield lines;
  }
  const rest = carry + decoder.end();
  if (rest !== '') yield [stripCr(rest, 0, rest.length)];
}

const stripCr = (text: string, start: number, end: number): string =>
  text.slice(start, end > start && text.charCodeAt(end - 1) === 0x0d ? end - 1 : end);
