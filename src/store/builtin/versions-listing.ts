import type { ObjectMeta } from '../types.js';
import { wireVersionId } from '../version-ids.js';
import type { ListVersionsInput, ListVersionsPage } from '../versioning.js';
import { compareKeys, prefixSuccessor } from './listing.js';
import type { ObjectRow } from './rows.js';
import { CURRENT_SEQ, type VersionRow, type Versions } from './versions.js';

/** Rows per query when a delimiter may make us skip ahead (as listing.ts). */
const DELIMITED_BATCH = 100;
/** "Every version of this key": one above the current row's rank. */
const ALL_OF_KEY = CURRENT_SEQ + 1;

interface Position {
  key: string;
  /** Rows of `key` itself are included only when their seq is below this. */
  seq: number;
}

/** Where a listing starts: after key-marker (all its versions), or after one version of it. */
function startOf(versions: Versions, input: ListVersionsInput, prefix: string): Position {
  const marker = input.keyMarker;
  if (marker === undefined || marker === '' || compareKeys(marker, prefix) < 0)
    return { key: prefix, seq: ALL_OF_KEY };
  if (input.versionIdMarker === undefined || input.versionIdMarker === '') return { key: marker, seq: -1 };
  const found = versions.find(input.bucket, marker, input.versionIdMarker);
  if (typeof found === 'string') return { key: marker, seq: -1 };
  return { key: marker, seq: found.seq ?? CURRENT_SEQ };
}

function commonPrefix(key: string, prefix: string, delimiter: string): string | undefined {
  const at = key.indexOf(delimiter, prefix.length);
  return at < 0 ? undefined : key.slice(0, at + delimiter.length);
}

/**
 * ListObjectVersions: every version and delete marker, keys ascending and each key's versions newest
 * first (OSS: ordered by creation time, not by id). One UNION query over the current rows and
 * store_versions per batch; a key rolled up into a common prefix makes the scan jump past the prefix.
 */
export function listVersionsPage(
  versions: Versions,
  input: ListVersionsInput,
  toMeta: (row: ObjectRow) => ObjectMeta,
): ListVersionsPage {
  const prefix = input.prefix ?? '';
  const delimiter = input.delimiter ?? '';
  const maxKeys = Math.max(0, Math.min(1000, Math.floor(input.maxKeys)));
  const upper = prefix === '' ? undefined : prefixSuccessor(prefix);
  const page: ListVersionsPage = { entries: [], commonPrefixes: [], isTruncated: false };
  const resumedMidKey = input.versionIdMarker !== undefined && input.versionIdMarker !== '';
  let pos: Position | undefined = startOf(versions, input, prefix);
  let count = 0;
  let prevKey: string | undefined;
  let last: { key: string; versionId?: string } | undefined;
  while (pos !== undefined) {
    const limit = delimiter === '' ? maxKeys - count + 1 : DELIMITED_BATCH;
    const params = { bucket: input.bucket, key: pos.key, seq: pos.seq, limit };
    const rows = (
      upper === undefined ? versions.st.listOpen.all(params) : versions.st.listRange.all({ ...params, upper })
    ) as VersionRow[];
    let next: Position | undefined;
    let jumped = false;
    for (const row of rows) {
      if (count === maxKeys) {
        page.isTruncated = true;
        if (last) page.nextKeyMarker = last.key;
        if (last?.versionId !== undefined) page.nextVersionIdMarker = last.versionId;
        return page;
      }
      const cp = delimiter === '' ? undefined : commonPrefix(row.key, prefix, delimiter);
      if (cp !== undefined) {
        if (input.keyMarker === undefined || !input.keyMarker.startsWith(cp)) {
          page.commonPrefixes.push(cp);
          count += 1;
          last = { key: cp };
        }
        const after = prefixSuccessor(cp);
        next = after === undefined ? undefined : { key: after, seq: ALL_OF_KEY };
        jumped = true;
        break;
      }
      // The first row of a key is its newest version, unless the page resumed inside that key.
      const isLatest =
        row.seq === CURRENT_SEQ || (row.key !== prevKey && !(resumedMidKey && row.key === input.keyMarker));
      prevKey = row.key;
      if (row.delete_marker === 1) {
        page.entries.push({
          kind: 'delete-marker',
          key: row.key,
          versionId: row.version_id,
          lastModified: row.last_modified,
          isLatest,
        });
      } else {
        page.entries.push({ kind: 'version', meta: toMeta(row), isLatest });
      }
      count += 1;
      last = { key: row.key, versionId: wireVersionId(row.version_id) };
      next = { key: row.key, seq: row.seq };
    }
    if (!jumped && rows.length < limit) break;
    pos = next;
  }
  return page;
}
