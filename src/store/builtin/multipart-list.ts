import type { ListUploadsInput, ListUploadsPage, UploadInfo } from '../multipart-store.js';
import { compareKeys } from './listing.js';
import { uploadInfo } from './multipart-ops.js';
import type { MultipartStatements, UploadRow } from './multipart-sql.js';

/** Upload rows read per query; uploads are few, and a delimiter may make us skip many of them. */
const BATCH = 1000;

function firstBatch(st: MultipartStatements, input: ListUploadsInput): UploadRow[] {
  const { bucket, keyMarker, uploadIdMarker } = input;
  if (keyMarker === undefined || keyMarker === '')
    return st.listUploadsFrom.all(bucket, input.prefix ?? '', BATCH) as UploadRow[];
  if (uploadIdMarker === undefined || uploadIdMarker === '')
    return st.listUploadsAfterKey.all(bucket, keyMarker, BATCH) as UploadRow[];
  return st.listUploadsAfterId.all(bucket, keyMarker, uploadIdMarker, keyMarker, BATCH) as UploadRow[];
}

/**
 * ListMultipartUploads: uploads in (key, upload id) order after key-marker / upload-id-marker, filtered by
 * prefix, keys rolled up into CommonPrefixes at the delimiter; each upload or prefix counts toward
 * max-uploads. NextKeyMarker / NextUploadIdMarker name the last upload (or prefix) returned.
 */
export function listUploadsPage(st: MultipartStatements, input: ListUploadsInput): ListUploadsPage {
  const prefix = input.prefix ?? '';
  const delimiter = input.delimiter ?? '';
  const max = Math.max(1, Math.min(1000, Math.floor(input.maxUploads)));
  const uploads: UploadInfo[] = [];
  const prefixes: string[] = [];
  let lastKey: string | undefined;
  let lastId: string | undefined;
  let rows = firstBatch(st, input);
  while (rows.length > 0) {
    for (const row of rows) {
      if (!row.key.startsWith(prefix)) {
        if (compareKeys(row.key, prefix) > 0) return done();
        continue;
      }
      const at = delimiter === '' ? -1 : row.key.indexOf(delimiter, prefix.length);
      const cp = at < 0 ? undefined : row.key.slice(0, at + delimiter.length);
      if (cp !== undefined && (cp === prefixes[prefixes.length - 1] || input.keyMarker?.startsWith(cp)))
        continue;
      if (uploads.length + prefixes.length === max) return done(true);
      if (cp !== undefined) {
        prefixes.push(cp);
        lastKey = cp;
        lastId = undefined;
      } else {
        uploads.push(uploadInfo(row));
        lastKey = row.key;
        lastId = row.upload_id;
      }
    }
    const last = rows[rows.length - 1];
    if (rows.length < BATCH || last === undefined) break;
    rows = st.listUploadsAfterId.all(input.bucket, last.key, last.upload_id, last.key, BATCH) as UploadRow[];
  }
  return done();

  function done(truncated = false): ListUploadsPage {
    return {
      uploads,
      commonPrefixes: prefixes,
      isTruncated: truncated,
      ...(truncated && lastKey !== undefined ? { nextKeyMarker: lastKey } : {}),
      ...(truncated && lastId !== undefined ? { nextUploadIdMarker: lastId } : {}),
    };
  }
}
