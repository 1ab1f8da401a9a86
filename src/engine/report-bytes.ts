import type { ReportScope } from '../jobs/model.js';
import type { Task } from './manifest/types.js';
import { csvField } from './report-rows.js';
import type { TaskResult } from './task-executor.js';

/** encodeURIComponent leaves these ASCII characters as they are; every other one becomes %XX. */
const UNRESERVED = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()")
  UNRESERVED[c.charCodeAt(0)] = 1;
const HEX = Buffer.from('0123456789ABCDEF');
const COMMA = 0x2c;
const NEWLINE = 0x0a;

/**
 * UTF-8 bytes written straight into one growing buffer, ASCII byte by byte in JavaScript (no native call,
 * no string). Reused across batches (the event loop runs one batch at a time); `view()` lends the bytes.
 */
class LineBytes {
  private buf = Buffer.allocUnsafe(64 * 1024);
  private off = 0;

  private room(bytes: number): void {
    if (this.off + bytes <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.off + bytes));
    this.buf.copy(bigger, 0, 0, this.off);
    this.buf = bigger;
  }

  /** Bytes already encoded (the constant parts of a line). */
  raw(bytes: Uint8Array): void {
    this.room(bytes.length);
    const buf = this.buf;
    let off = this.off;
    for (let i = 0; i < bytes.length; i++) buf[off++] = bytes[i] as number;
    this.off = off;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.off++] = b;
  }

  /** `s` as UTF-8 (3 bytes per UTF-16 unit at most). */
  text(s: string): void {
    this.room(s.length * 3);
    const buf = this.buf;
    let off = this.off;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        // Rare (non-ASCII field): the rest through Buffer.write, from a whole character on.
        this.off = off + buf.write(s.slice(i), off, 'utf8');
        return;
      }
      buf[off++] = c;
    }
    this.off = off;
  }

  /** Exactly encodeURIComponent(s)'s characters, as bytes. */
  encoded(s: string): void {
    this.room(s.length * 3);
    const buf = this.buf;
    let off = this.off;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        // Non-ASCII: encodeURIComponent itself (UTF-8 escapes; a lone surrogate throws, as it did before).
        this.off = off;
        this.text(encodeURIComponent(s.slice(i)));
        return;
      }
      if (UNRESERVED[c] === 1) {
        buf[off++] = c;
      } else {
        buf[off++] = 0x25;
        buf[off++] = HEX[c >> 4] as number;
        buf[off++] = HEX[c & 15] as number;
      }
    }
    this.off = off;
  }

  reset(): void {
    this.off = 0;
  }

  /** The bytes written since the last reset, valid until the next write: no copy. */
  view(): Buffer {
    return this.buf.subarray(0, this.off);
  }
}

const lines = new LineBytes();
const SUCCEEDED = Buffer.from(',succeeded,,200,');
const FAILED = Buffer.from(',failed,');

/**
 * The report lines of a batch in the job's report scope (the format of report-rows.ts `reportLine`, byte
 * for byte), as UTF-8. Building them as strings (a template per line, `+=` per line, then Buffer.from)
 * allocated ~390 B of V8 heap per task, a quarter of the execute phase's (`npm run bench --
 * --heap-prof-execute`); here a task allocates nothing on the heap unless a field needs CSV quoting.
 * The result is a view of one buffer shared by every call, valid until the next call (ShardWriter.append
 * copies what it keeps), so a batch's bytes (~50 KB per 500 tasks) are not copied on their way to a file.
 */
export function reportBytes(
  scope: ReportScope,
  tasks: readonly Task[],
  results: readonly TaskResult[],
): Buffer {
  // A batch's tasks nearly always share one bucket and have no version id: their fields are quoted once.
  let bucket: string | undefined;
  let bucketField: Uint8Array = Buffer.alloc(0);
  // A batch that threw half-way (a lone surrogate in a key) left its bytes behind.
  lines.reset();
  for (let i = 0; i < tasks.length; i++) {
    const r = results[i] as TaskResult;
    if (scope === 'FailedTasksOnly' && r.ok) continue;
    const t = tasks[i] as Task;
    if (t.bucket !== bucket) {
      bucket = t.bucket;
      bucketField = Buffer.from(`${csvField(bucket)},`);
    }
    lines.raw(bucketField);
    lines.encoded(t.key);
    lines.byte(COMMA);
    if (t.versionId !== undefined && t.versionId !== '') lines.text(csvField(t.versionId));
    if (r.ok) {
      lines.raw(SUCCEEDED);
      if (r.message !== undefined && r.message !== '') lines.text(csvField(r.message));
    } else {
      lines.raw(FAILED);
      lines.text(csvField(r.code));
      lines.byte(COMMA);
      lines.text(String(r.status));
      lines.byte(COMMA);
      lines.text(csvField(r.message));
    }
    lines.byte(NEWLINE);
  }
  return lines.view();
}
