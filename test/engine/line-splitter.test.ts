import { describe, expect, it } from 'vitest';
import { forEachByteLine, textLineBatches } from '../../src/engine/manifest/line-splitter.js';

/**
 * The chunks of `text` cut every `size` bytes, as ObjectStore.scanObject lends them: every chunk is a view
 * of one buffer, and asking for the next overwrites the last one with 0xff first, so a reader that kept
 * bytes of a chunk it was done with reads garbage, every time.
 */
async function* lentChunks(text: string, size: number): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(text);
  const lent = Buffer.alloc(size);
  for (let at = 0; at < bytes.length; at += size) {
    // A read takes a loop turn.
    await new Promise((resolve) => setImmediate(resolve));
    lent.fill(0xff);
    const n = bytes.copy(lent, 0, at, Math.min(bytes.length, at + size));
    yield lent.subarray(0, n);
  }
  lent.fill(0xff);
}

// Lines of 1 to 40 bytes, some with multi-byte UTF-8 characters, so chunk borders cut lines and characters.
const LINES = Array.from({ length: 300 }, (_, i) => `${'é'.repeat(i % 3)}line-${i}-${'x'.repeat(i % 29)}`);
const TEXT = LINES.join('\n') + '\n';

describe('line splitting over lent chunks', () => {
  it.each([1, 7, 64, 1000])(
    'forEachByteLine gives every line and offset with %i-byte chunks',
    async (size) => {
      const seen: { line: string; start: number; next: number }[] = [];
      const total = await forEachByteLine(lentChunks(TEXT, size), (buf, s, e, absStart, absNext) => {
        seen.push({ line: buf.toString('utf8', s, e), start: absStart, next: absNext });
      });
      expect(total).toBe(Buffer.byteLength(TEXT));
      expect(seen.map((l) => l.line)).toEqual(LINES);
      let offset = 0;
      for (const l of seen) {
        expect(l.start).toBe(offset);
        offset += Buffer.byteLength(l.line) + 1;
        expect(l.next).toBe(offset);
      }
    },
  );

  it.each([1, 7, 64, 1000])('textLineBatches decodes every line with %i-byte chunks', async (size) => {
    const lines: string[] = [];
    for await (const batch of textLineBatches(lentChunks(TEXT, size))) lines.push(...batch);
    expect(lines).toEqual(LINES);
  });
});
