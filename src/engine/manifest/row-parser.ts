import type { Task } from './types.js';
import type { RowLayout } from './row-layout.js';
import { decodeKey } from './percent.js';

/** A parsed row: a task, `null` for a row that is not a task (inventory delete marker), or an error text. */
export type RowResult = Task | null | string;

/**
 * Parses one manifest line (no newline, `\r` already stripped, not blank) into a task.
 *
 * Decisions (spec §12.1, gap 6):
 * - Keys are URL-encoded like inventory keys and decoded with decodeURIComponent semantics: `%2B` → `+`,
 *   and a literal `+` stays `+` (it is NOT a space; S3-style form decoding would corrupt keys with `+`).
 *   Bucket and VersionId are taken verbatim.
 * - Fields may be wrapped in double quotes with `""` as an escaped quote (inventory files quote every field).
 * - A record never spans lines: a key containing a newline must be URL-encoded (`%0A`). An unbalanced
 *   quote is a malformed row.
 * - An empty VersionId column means "current version".
 */
export function parseRow(line: string, layout: RowLayout): RowResult {
  const fields = line.indexOf('"') === -1 ? splitPlain(line, layout.columns) : splitQuoted(line);
  if (typeof fields === 'string') return fields;
  if (fields.length !== layout.columns) {
    return `expected ${layout.columns} column(s), found ${fields.length}`;
  }
  if (layout.deleteMarker !== -1 && fields[layout.deleteMarker]?.trim().toLowerCase() === 'true') return null;
  const bucket = fields[layout.bucket] ?? '';
  const rawKey = fields[layout.key] ?? '';
  if (bucket === '') return 'empty Bucket column';
  if (rawKey === '') return 'empty Key column';
  const key = rawKey.indexOf('%') === -1 ? rawKey : decodeKey(rawKey);
  if (key === undefined) return `bad percent-encoding in Key "${rawKey}"`;
  const versionId = layout.versionId === -1 ? '' : (fields[layout.versionId] ?? '');
  return versionId === '' ? { bucket, key } : { bucket, key, versionId };
}

/**
 * Fields of a line without quotes; indexOf/slice measured faster than String.prototype.split here. The array
 * is allocated at the layout's column count: pushing into `[]` reserved 17 slots, ~140 B of the ~870 B
 * per task the execute phase allocated (`npm run bench -- --heap-prof-execute`).
 */
function splitPlain(line: string, expected: number): string[] {
  const out = new Array<string>(expected);
  let n = 0;
  let i = 0;
  let c = line.indexOf(',');
  while (c !== -1) {
    out[n++] = line.slice(i, c);
    i = c + 1;
    c = line.indexOf(',', i);
  }
  out[n++] = line.slice(i);
  // A row with fewer fields than the layout (reported by the caller as "found n").
  if (n < expected) out.length = n;
  return out;
}

/** RFC 4180 fields of one line; returns an error text for a stray or unbalanced quote. */
export function splitQuoted(line: string): string[] | string {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    if (line.charCodeAt(i) === 0x22) {
      let value = '';
      let from = i + 1;
      for (;;) {
        const q = line.indexOf('"', from);
        if (q === -1) return 'unterminated quoted field';
        value += line.slice(from, q);
        if (line.charCodeAt(q + 1) === 0x22) {
          value += '"';
          from = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      out.push(value);
      if (i === n) return out;
      if (line.charCodeAt(i) !== 0x2c) return 'text after a closing quote';
      i++;
    } else {
      const c = line.indexOf(',', i);
      const end = c === -1 ? n : c;
      const value = line.slice(i, end);
      if (value.indexOf('"') !== -1) return 'quote inside an unquoted field';
      out.push(value);
      if (c === -1) return out;
      i = c + 1;
    }
  }
}
