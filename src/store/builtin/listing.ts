import type { ListObjectsInput, ListObjectsPage } from '../object-store.js';
import type { ObjectMeta } from '../types.js';
import type { ObjectRow } from './rows.js';
import type { Statements } from './statements.js';

/**
 * The smallest string greater than every string starting with `s` (in UTF-8 byte order, which equals
 * code-point order), or undefined when there is none. Increments the last code point, skipping the
 * surrogate range, and drops trailing U+10FFFF.
 */
export function prefixSuccessor(s: string): string | undefined {
  const cps = Array.from(s, (c) => c.codePointAt(0) ?? 0);
  while (cps.length > 0) {
    const last = cps.pop() ?? 0;
    if (last < 0x10ffff) {
      cps.push(last + 1 === 0xd800 ? 0xe000 : last + 1);
      return String.fromCodePoint(...cps);
    }
  }
  return undefined;
}

/** Byte-order (UTF-8) comparison; JS `<` compares UTF-16 code units, which differs above U+FFFF. */
export const compareKeys = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** Rows fetched per query when a delimiter may make us skip ahead (skipped rows are wasted reads). */
const DELIMITED_BATCH = 100;

/**
 * ListObjects over the key-ordered primary key. Keys are read in ranges; when a key rolls up into a
 * common prefix, the scan jumps to that prefix's successor instead of reading every key under it.
 */
export function listPage(
  st: Statements,
  input: ListObjectsInput,
  toMeta: (row: ObjectRow) => ObjectMeta,
): ListObjectsPage {
  const prefix = input.prefix ?? '';
  const delimiter = input.delimiter ?? '';
  const after = input.after;
  const maxKeys = Math.max(0, Math.min(1000, Math.floor(input.maxKeys)));
  const upper = prefix === '' ? undefined : prefixSuccessor(prefix);
  // `key > after` is `key >= after + "\0"`: the immediate successor string.
  let lower: string | undefined =
    after !== undefined && compareKeys(after + '\0', prefix) > 0 ? after + '\0' : prefix;
  const page: ListObjectsPage = { objects: [], commonPrefixes: [], isTruncated: false };
  let count = 0;
  let last: string | undefined;
  while (lower !== undefined) {
    const limit = delimiter === '' ? maxKeys - count + 1 : DELIMITED_BATCH;
    const rows = (
      upper === undefined
        ? st.listOpen.all(input.bucket, lower, limit)
        : st.listRange.all(input.bucket, lower, upper, limit)
    ) as ObjectRow[];
    let next: string | undefined;
    let jumped = false;
    for (const row of rows) {
      if (count === maxKeys) {
        page.isTruncated = true;
        return finish(page, last);
      }
      const cp = delimiter === '' ? undefined : commonPrefix(row.key, prefix, delimiter);
      if (cp === undefined) {
        page.objects.push(toMeta(row));
        count += 1;
        last = row.key;
        next = row.key + '\0';
        continue;
      }
      // Resuming after a common prefix (nextAfter = the prefix, or a key inside it) must not repeat it.
      if (after === undefined || !after.startsWith(cp)) {
        page.commonPrefixes.push(cp);
        count += 1;
        last = cp;
      }
      next = prefixSuccessor(cp);
      jumped = true;
      break;
    }
    if (!jumped && rows.length < limit) break;
    lower = next;
  }
  return finish(page, undefined);
}

function finish(page: ListObjectsPage, last: string | undefined): ListObjectsPage {
  if (page.isTruncated && last !== undefined) page.nextAfter = last;
  return page;
}

function commonPrefix(key: string, prefix: string, delimiter: string): string | undefined {
  const at = key.indexOf(delimiter, prefix.length);
  return at < 0 ? undefined : key.slice(0, at + delimiter.length);
}
