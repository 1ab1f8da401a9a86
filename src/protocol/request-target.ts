import { OssError, invalidArgument } from './oss-error.js';

/**
 * Where a request points: bucket, key and query, parsed from the raw request line (spec §9.1, real-clients §6.1).
 * Signatures are verified from this (never from a framework-normalised URL: fastify's inject() folds `..`).
 */
export interface RequestTarget {
  /** Absent for service-level requests (`/`, incl. all five `?batchJob*` calls). */
  readonly bucket?: string;
  /** Decoded object key (raw bytes as UTF-8); absent for bucket-level and service-level requests. */
  readonly key?: string;
  /** The raw (still percent-encoded) path, without the query. */
  readonly rawPath: string;
  /** Decoded query; first value wins; `k` and `k=` both map to ''. */
  readonly query: Map<string, string>;
  /** Every decoded query pair in wire order (`+` decodes to a space, spec §9.6). */
  readonly queryPairs: [string, string][];
  /** Raw `k=v` parts as sent (needed to reproduce `k=` vs bare `k` for V4 fallbacks). */
  readonly rawQueryParts?: readonly string[];
  readonly virtualHosted: boolean;
}

export interface ParseRequestTargetInput {
  readonly rawUrl: string;
  readonly host: string | undefined;
  readonly baseDomains: readonly string[];
}

/** OSS caps object names at 1023 bytes of UTF-8 (OSS naming rules). */
export const MAX_KEY_BYTES = 1023;

const utf8 = new TextDecoder('utf-8', { fatal: true });

const HEX = /^[0-9A-Fa-f]{2}$/;

/** Percent-decodes to bytes exactly (no `+` → space). Throws InvalidArgument on a malformed escape. */
export function percentDecodeBytes(raw: string, plusIsSpace: boolean): Buffer {
  if (!raw.includes('%') && !(plusIsSpace && raw.includes('+'))) return Buffer.from(raw, 'utf8');
  const out: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x25) {
      const hex = raw.slice(i + 1, i + 3);
      if (!HEX.test(hex))
        throw invalidArgument('The request URI contains a malformed percent-encoding.', { URI: raw });
      out.push(parseInt(hex, 16));
      i += 2;
    } else if (plusIsSpace && c === 0x2b) {
      out.push(0x20);
    } else if (c < 0x80) {
      out.push(c);
    } else {
      // A non-ASCII character sent unencoded: keep its UTF-8 bytes (code point may be a surrogate pair).
      const cp = raw.codePointAt(i) ?? c;
      const ch = String.fromCodePoint(cp);
      for (const b of Buffer.from(ch, 'utf8')) out.push(b);
      i += ch.length - 1;
    }
  }
  return Buffer.from(out);
}

/** True when `raw` is ASCII without `%` or `+`: it decodes to itself (the common query name and value). */
function isLiteralAscii(raw: string): boolean {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 0x80 || c === 0x25 || c === 0x2b) return false;
  }
  return true;
}

/** Decodes a query component: `+` is a space, malformed UTF-8 becomes U+FFFD (query values are not keys). */
function decodeQueryComponent(raw: string): string {
  if (isLiteralAscii(raw)) return raw;
  // Well-formed escapes of valid UTF-8 (a presigned URL's credential, every SDK's values): the built-in
  // decoder gives the same string as the byte-exact path below, which stays for what it refuses (a malformed
  // escape, invalid UTF-8 → U+FFFD) and costs ~1 µs per component more (issue 10).
  try {
    return decodeURIComponent(raw.includes('+') ? raw.replace(/\+/g, ' ') : raw);
  } catch {
    return percentDecodeBytes(raw, true).toString('utf8');
  }
}

const PLAIN_ASCII = /^[\x20-\x24\x26-\x7e]*$/;

function decodeKey(raw: string): string {
  // Hot path: printable ASCII without `%` decodes to itself (1 char = 1 byte).
  if (PLAIN_ASCII.test(raw)) {
    if (raw.length > MAX_KEY_BYTES) {
      throw new OssError('InvalidObjectName', `The object name is longer than ${MAX_KEY_BYTES} bytes.`);
    }
    return raw;
  }
  const bytes = percentDecodeBytes(raw, false);
  if (bytes.length > MAX_KEY_BYTES) {
    throw new OssError('InvalidObjectName', `The object name is longer than ${MAX_KEY_BYTES} bytes.`);
  }
  try {
    return utf8.decode(bytes);
  } catch {
    throw new OssError('InvalidObjectName', 'The object name is not valid UTF-8.');
  }
}

function decodeBucket(raw: string): string {
  if (PLAIN_ASCII.test(raw)) return raw; // hot path: a plain name decodes to itself
  try {
    return utf8.decode(percentDecodeBytes(raw, false));
  } catch {
    throw new OssError('InvalidBucketName', 'The bucket name is not valid UTF-8.');
  }
}

/** Splits an absolute-form request target (`http://host/path?q`) into its authority and origin-form. */
function splitAbsoluteForm(rawUrl: string): { authority?: string; originForm: string } {
  if (rawUrl.startsWith('/')) return { originForm: rawUrl };
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)(.*)$/.exec(rawUrl);
  if (!m) return { originForm: rawUrl };
  const rest = m[2] ?? '';
  const authority = (m[1] ?? '').replace(/^.*@/, '');
  return { authority, originForm: rest.startsWith('/') ? rest : `/${rest}` };
}

/** Lower-cases a Host value and strips the port (IPv6 literals keep their brackets). */
export function normaliseHost(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end >= 0 ? h.slice(0, end + 1) : h;
  }
  const colon = h.indexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}

/** `<bucket>.<baseDomain>` → bucket; longest matching base domain wins. */
function bucketFromHost(host: string | undefined, baseDomains: readonly string[]): string | undefined {
  if (!host) return undefined;
  const h = normaliseHost(host);
  let best: string | undefined;
  let bestLen = -1;
  for (const d of baseDomains) {
    const base = d.toLowerCase();
    if (h.length > base.length + 1 && h.endsWith(`.${base}`) && base.length > bestLen) {
      best = h.slice(0, h.length - base.length - 1);
      bestLen = base.length;
    }
  }
  return best;
}

export function parseQuery(rawQuery: string): {
  query: Map<string, string>;
  queryPairs: [string, string][];
  rawQueryParts: string[];
} {
  const query = new Map<string, string>();
  const queryPairs: [string, string][] = [];
  const rawQueryParts: string[] = [];
  if (rawQuery === '') return { query, queryPairs, rawQueryParts };
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    rawQueryParts.push(part);
    const eq = part.indexOf('=');
    const k = decodeQueryComponent(eq >= 0 ? part.slice(0, eq) : part);
    const v = eq >= 0 ? decodeQueryComponent(part.slice(eq + 1)) : '';
    queryPairs.push([k, v]);
    if (!query.has(k)) query.set(k, v);
  }
  return { query, queryPairs, rawQueryParts };
}

export function parseRequestTarget(input: ParseRequestTargetInput): RequestTarget {
  const { authority, originForm } = splitAbsoluteForm(input.rawUrl);
  const host = authority ?? input.host;
  const hashAt = originForm.indexOf('#');
  const noFragment = hashAt >= 0 ? originForm.slice(0, hashAt) : originForm;
  const qAt = noFragment.indexOf('?');
  const rawPath = qAt >= 0 ? noFragment.slice(0, qAt) : noFragment;
  const { query, queryPairs, rawQueryParts } = parseQuery(qAt >= 0 ? noFragment.slice(qAt + 1) : '');
  if (!rawPath.startsWith('/'))
    throw invalidArgument('The request URI must start with "/".', { URI: input.rawUrl });

  const hostBucket = bucketFromHost(host, input.baseDomains);
  if (hostBucket !== undefined) {
    const rawKey = rawPath.slice(1);
    return rawKey === ''
      ? { rawPath, query, queryPairs, rawQueryParts, bucket: hostBucket, virtualHosted: true }
      : {
          rawPath,
          query,
          queryPairs,
          rawQueryParts,
          bucket: hostBucket,
          key: decodeKey(rawKey),
          virtualHosted: true,
        };
  }
  // Literal objects, not `{ ...base, … }`: V8 (Node 20) builds a spread followed by more properties through a
  // slow runtime path, ~1 µs per added property on every request (docs/performance.md, issue 10).
  if (rawPath === '/') return { rawPath, query, queryPairs, rawQueryParts, virtualHosted: false };
  const slash = rawPath.indexOf('/', 1);
  const bucket = decodeBucket(slash >= 0 ? rawPath.slice(1, slash) : rawPath.slice(1));
  const rawKey = slash >= 0 ? rawPath.slice(slash + 1) : '';
  return rawKey === ''
    ? { rawPath, query, queryPairs, rawQueryParts, bucket, virtualHosted: false }
    : { rawPath, query, queryPairs, rawQueryParts, bucket, key: decodeKey(rawKey), virtualHosted: false };
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

/** OSS bucket naming: 3–63 chars of `[a-z0-9-]`, not starting or ending with `-`. */
export function isValidBucketName(name: string): boolean {
  return BUCKET_NAME.test(name);
}

export function validateBucketName(name: string): void {
  if (!isValidBucketName(name)) {
    throw new OssError('InvalidBucketName', undefined, { details: { BucketName: name } });
  }
}
