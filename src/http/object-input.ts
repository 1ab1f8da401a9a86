import { OssError, invalidArgument } from '../protocol/oss-error.js';
import { percentDecodeBytes } from '../protocol/request-target.js';
import { validateTags } from '../store/builtin/tags.js';
import { OBJECT_ACLS, type ObjectAcl, type Tag } from '../store/types.js';
import { header, type OpContext } from './context.js';
import { STORED_HTTP_HEADERS } from './object-headers.js';

/** x-oss-object-acl: default | private | public-read | public-read-write. */
export function parseObjectAcl(value: string | undefined): ObjectAcl | undefined {
  if (value === undefined) return undefined;
  if (!(OBJECT_ACLS as readonly string[]).includes(value)) {
    throw invalidArgument(`The object ACL "${value}" is not valid.`, {
      ArgumentName: 'x-oss-object-acl',
      ArgumentValue: value,
    });
  }
  return value as ObjectAcl;
}

/** `x-oss-tagging: k1=v1&k2=v2`, URL-encoded (spec §11.1); a bad format answers EC 0010-00000219. */
export function parseTaggingHeader(value: string | undefined): Tag[] | undefined {
  if (value === undefined) return undefined;
  const tags: Tag[] = [];
  if (value === '') return tags;
  for (const part of value.split('&')) {
    const eq = part.indexOf('=');
    const rawKey = eq >= 0 ? part.slice(0, eq) : part;
    const rawValue = eq >= 0 ? part.slice(eq + 1) : '';
    let key: string;
    let val: string;
    try {
      key = percentDecodeBytes(rawKey, true).toString('utf8');
      val = percentDecodeBytes(rawValue, true).toString('utf8');
    } catch {
      throw new OssError('InvalidArgument', 'The x-oss-tagging header is not a valid query string.', {
        ec: '0010-00000219',
      });
    }
    tags.push({ key, value: val });
  }
  validateTags(tags);
  return tags;
}

/** x-oss-meta-* → { name (lower-cased, prefix stripped): value }. */
export function userMetaOf(ctx: OpContext): Record<string, string> {
  const meta: Record<string, string> = {};
  for (const [name, value] of Object.entries(ctx.raw.headers)) {
    if (!name.startsWith('x-oss-meta-') || value === undefined) continue;
    meta[name.slice('x-oss-meta-'.length)] = Array.isArray(value) ? value.join(',') : value;
  }
  return meta;
}

/** Content-Disposition, Cache-Control, … kept from the upload (spec §11.4), with their canonical casing. */
export function httpHeadersOf(ctx: OpContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of STORED_HTTP_HEADERS) {
    const v = header(ctx, name);
    if (v !== undefined)
      out[name.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase())] = v;
  }
  return out;
}
