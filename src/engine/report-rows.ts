import type { Task } from './manifest/types.js';
import type { TaskResult } from './task-executor.js';

/** The report's CSV columns (spec §14). */
export const REPORT_SCHEMA = 'Bucket, Key, VersionId, TaskStatus, ErrorCode, HTTPStatusCode, ResultMessage';

const NEEDS_QUOTES = /[",\r\n]/;

/** RFC 4180 quoting: only fields holding a comma, quote or line break are quoted, quotes doubled. */
export function csvField(value: string): string {
  // Line breaks become spaces so that one task is always one physical line (the assembler splits on \n).
  if (/[\r\n]/.test(value)) value = value.replace(/[\r\n]+/g, ' ');
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * One report line per task: `bucket,urlencoded key,versionId,succeeded|failed,ErrorCode,HTTPStatus,Message`
 * (the engine writes the same bytes without building strings: report-bytes.ts, held to this by its test).
 * The encoded key never holds a comma, but a manifest may name a bucket or version id with one (a quoted
 * CSV field), so lineStatus skips quoted fields.
 */
export function reportLine(task: Task, result: TaskResult): string {
  const head = `${csvField(task.bucket)},${encodeURIComponent(task.key)},${csvField(task.versionId ?? '')}`;
  if (result.ok) return `${head},succeeded,,200,${csvField(result.message ?? '')}\n`;
  return `${head},failed,${csvField(result.code)},${result.status},${csvField(result.message)}\n`;
}

/** The TaskStatus of a report line (see reportLine): its 4th field, stepping over quoted fields. */
export function lineStatus(line: string): string {
  let start = 0;
  for (let n = 0; n < 3; n++) start = fieldEnd(line, start) + 1;
  return line.slice(start, line.indexOf(',', start));
}

/** Index of the comma that ends the field starting at `start` (RFC 4180: `""` inside quotes is a quote). */
export function fieldEnd(line: string, start: number): number {
  if (line[start] !== '"') return line.indexOf(',', start);
  let i = start + 1;
  for (;;) {
    const q = line.indexOf('"', i);
    if (q < 0) return line.length;
    if (line[q + 1] !== '"') return q + 1;
    i = q + 2;
  }
}
