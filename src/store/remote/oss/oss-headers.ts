import { STORED_HTTP_HEADERS } from '../../../http/object-headers.js';
import type { ObjectAcl, StorageClass, Tag } from '../../types.js';

/** `x-oss-tagging` is a URL query string. */
const tagsToQuery = (tags: readonly Tag[]): string =>
  tags.map((t) => `${encodeURIComponent(t.key)}=${encodeURIComponent(t.value)}`).join('&');

/** The x-oss-* and stored HTTP headers of a PUT or COPY. */
export function ossPutHeaders(input: {
  storageClass?: StorageClass | undefined;
  acl?: ObjectAcl | undefined;
  tags?: readonly Tag[] | undefined;
  httpHeaders?: Record<string, string> | undefined;
  forbidOverwrite?: boolean | undefined;
}): Record<string, string> {
  const h: Record<string, string> = {};
  if (input.storageClass !== undefined) h['x-oss-storage-class'] = input.storageClass;
  if (input.acl !== undefined) h['x-oss-object-acl'] = input.acl;
  if (input.tags !== undefined && input.tags.length > 0) h['x-oss-tagging'] = tagsToQuery(input.tags);
  if (input.forbidOverwrite === true) h['x-oss-forbid-overwrite'] = 'true';
  for (const [name, value] of Object.entries(input.httpHeaders ?? {})) h[name] = value;
  return h;
}

/** Stored HTTP headers from a HEAD answer, with OSS's capitalisation. */
export function headersFromOss(h: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of STORED_HTTP_HEADERS) {
    const v = h[name];
    if (v !== undefined)
      out[name.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase())] = v;
  }
  return out;
}
