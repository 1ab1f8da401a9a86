import type { ObjectMeta } from '../store/types.js';
import { restoreHeader } from '../store/builtin/restore.js';
import { objectType } from '../store/object-type.js';

/** Headers OSS sends with an object on GET/HEAD/GetObjectMeta (spec §11.4). */
export function objectHeaders(meta: ObjectMeta, now: number): Record<string, string | number> {
  const h: Record<string, string | number> = {
    ETag: `"${meta.etag}"`,
    'Last-Modified': new Date(meta.lastModified).toUTCString(),
    'Content-Type': meta.contentType,
    'x-oss-object-type': objectType(meta),
    'x-oss-storage-class': meta.storageClass,
    'Accept-Ranges': 'bytes',
  };
  for (const [name, value] of Object.entries(meta.httpHeaders)) h[name] = value;
  for (const [name, value] of Object.entries(meta.userMeta)) h[`x-oss-meta-${name}`] = value;
  if (meta.tags.length > 0) h['x-oss-tagging-count'] = meta.tags.length;
  const restore = restoreHeader(meta, now);
  if (restore !== undefined) h['x-oss-restore'] = restore;
  return h;
}

/** `response-*` query parameters override the stored headers on GET (OSS GetObject). */
const OVERRIDES: Record<string, string> = {
  'response-content-type': 'Content-Type',
  'response-content-language': 'Content-Language',
  'response-expires': 'Expires',
  'response-cache-control': 'Cache-Control',
  'response-content-disposition': 'Content-Disposition',
  'response-content-encoding': 'Content-Encoding',
};

/** Built once: `Object.entries(OVERRIDES)` per GET made 7 arrays (~480 B of the request's garbage). */
const OVERRIDE_ENTRIES = Object.entries(OVERRIDES);

export function applyResponseOverrides(
  headers: Record<string, string | number>,
  query: ReadonlyMap<string, string>,
): void {
  if (query.size === 0) return;
  for (const [param, name] of OVERRIDE_ENTRIES) {
    const v = query.get(param);
    if (v === undefined) continue;
    // Stored headers may be in any case; drop them so the override is the only one sent.
    for (const k of Object.keys(headers)) if (k.toLowerCase() === name.toLowerCase()) delete headers[k];
    headers[name] = v;
  }
}

/** Stored HTTP headers OSS keeps from PutObject. */
export const STORED_HTTP_HEADERS = [
  'cache-control',
  'content-disposition',
  'content-encoding',
  'content-language',
  'expires',
];
