import { createHmac, hash } from 'node:crypto';
import { headerValue, type RequestHeaders } from './auth-common.js';
import { OssError } from './oss-error.js';

/*
 * EC values used for V4 errors: 0002-00000201 (signature mismatch), 0002-00000209 (empty AdditionalHeaders)
 * and 0002-00000214 (x-oss-content-sha256 not UNSIGNED-PAYLOAD) are OSS's documented ones; 0002-00000204
 * (malformed V4 credential, scope or Authorization field) is our own choice, as OSS's is not in our sources.
 */
export const V4_ALGORITHM = 'OSS4-HMAC-SHA256';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

/** RFC 3986 encoding: keep `A-Z a-z 0-9 - _ . ~`, `%XX` upper-case for every other UTF-8 byte (spec §9.6). */
const UNRESERVED = /^[A-Za-z0-9\-_.~]*$/;
const UNRESERVED_OR_SLASH = /^[A-Za-z0-9\-_.~/]*$/;

export function uriEncode(s: string, keepSlash: boolean): string {
  if ((keepSlash ? UNRESERVED_OR_SLASH : UNRESERVED).test(s)) return s; // hot-path shortcut
  const e = encodeURIComponent(s).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return keepSlash ? e.replace(/%2F/g, '/') : e;
}

/** `/`, `/bucket/` or `/bucket/key`, URI-encoded keeping `/`; the bucket is included even for virtual hosts. */
export function canonicalUriV4(bucket: string | undefined, key: string | undefined): string {
  if (bucket === undefined) return '/';
  return uriEncode(key === undefined ? `/${bucket}/` : `/${bucket}/${key}`, true);
}

export type QueryOrder = 'bytes' | 'locale';

/**
 * All query pairs, re-encoded, sorted by encoded key; bare `k` for an empty value (spec §9.6). `keepEquals`
 * names raw parts that were sent as `k=` and must be signed that way (ali-oss signs an explicit '' query
 * value as `k=`); `order: 'locale'` reproduces ali-oss's `localeCompare` sort of raw keys.
 */
export function canonicalQueryV4(
  pairs: readonly (readonly [string, string])[],
  options: { keepEquals?: ReadonlySet<string>; order?: QueryOrder } = {},
): string {
  if (options.keepEquals === undefined && options.order !== 'locale' && pairs.length <= SMALL_QUERY_PAIRS)
    return canonicalQuerySpecForm(pairs);
  const enc = pairs.map(([k, v]) => ({ raw: k, k: uriEncode(k, false), v: uriEncode(v, false) }));
  if (options.order === 'locale') enc.sort((a, b) => a.raw.localeCompare(b.raw));
  else enc.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.v < b.v ? -1 : a.v > b.v ? 1 : 0));
  return enc.map(({ raw, k, v }) => (v === '' && !options.keepEquals?.has(raw) ? k : `${k}=${v}`)).join('&');
}

/** Up to this many pairs the spec form is built by insertion sort (quadratic, so not for any length). */
const SMALL_QUERY_PAIRS = 16;

/**
 * canonicalQueryV4's spec form (byte order of the encoded key, then value; bare `k` for ''), the one every
 * request builds, without an object per pair, a comparator closure and two more arrays: insertion sort of
 * the encoded keys and values into two arrays. Presigned GET (7 pairs): see docs/performance.md, issue 10
 * fifth pass. Same result as the general path (`test/protocol/canonical-query.test.ts`).
 */
function canonicalQuerySpecForm(pairs: readonly (readonly [string, string])[]): string {
  const n = pairs.length;
  const keys: string[] = [];
  const values: string[] = [];
  for (let i = 0; i < n; i++) {
    const pair = pairs[i] as readonly [string, string];
    const k = uriEncode(pair[0], false);
    const v = uriEncode(pair[1], false);
    let j = i;
    for (; j > 0; j--) {
      const pk = keys[j - 1] as string;
      const pv = values[j - 1] as string;
      if (pk < k || (pk === k && pv <= v)) break;
      keys[j] = pk;
      values[j] = pv;
    }
    keys[j] = k;
    values[j] = v;
  }
  let out = '';
  for (let i = 0; i < n; i++) {
    const k = keys[i] as string;
    const v = values[i] as string;
    if (i > 0) out += '&';
    out += v === '' ? k : `${k}=${v}`;
  }
  return out;
}

/** content-type, content-md5, every x-oss-* header and the additional headers; `name:value\n` sorted. */
export function canonicalHeadersV4(headers: RequestHeaders, additional: readonly string[]): string {
  const names = new Set<string>();
  for (const n of Object.keys(headers)) {
    const l = n.toLowerCase();
    if (headers[n] === undefined) continue;
    if (l === 'content-type' || l === 'content-md5' || l.startsWith('x-oss-')) names.add(l);
  }
  for (const a of additional) {
    if (headers[a] === undefined) {
      throw new OssError('InvalidArgument', `Additional header ${a} is not present in the request.`, {
        ec: '0002-00000209',
      });
    }
    names.add(a);
  }
  let out = '';
  for (const n of [...names].sort()) out += `${n}:${(headerValue(headers, n) ?? '').trim()}\n`;
  return out;
}

export interface V4CanonicalInput {
  readonly method: string;
  readonly bucket?: string | undefined;
  readonly key?: string | undefined;
  readonly canonicalQuery: string;
  readonly headers: RequestHeaders;
  readonly additionalHeaders: readonly string[];
  readonly payloadHash: string;
}

export function canonicalRequestV4(input: V4CanonicalInput): string {
  return [
    input.method.toUpperCase(),
    canonicalUriV4(input.bucket, input.key),
    input.canonicalQuery,
    canonicalHeadersV4(input.headers, input.additionalHeaders),
    input.additionalHeaders.join(';'),
    input.payloadHash,
  ].join('\n');
}

export function scopeV4(date: string, region: string, product = 'oss'): string {
  return `${date}/${region}/${product}/aliyun_v4_request`;
}

export function stringToSignV4(isoDateTime: string, scope: string, canonicalRequest: string): string {
  // One-shot crypto.hash (Node ≥ 20.12): 0.3–0.5 µs against 2.6–2.8 µs for createHash().update().digest(),
  // whose Hash object (a stream wrapping a native handle) also feeds the garbage collector (issue 10).
  const digest = hash('sha256', canonicalRequest, 'hex');
  return `${V4_ALGORITHM}\n${isoDateTime}\n${scope}\n${digest}`;
}

/**
 * Derived signing keys change once a day per secret and region: cache them (the SDKs do too). Keyed by the
 * secret itself, so a rotated secret derives a new key and a deleted one is never looked up again (the key
 * lookup fails first). One entry per secret, holding the latest scope: the server accepts only its own
 * region and product, so a secret's scope changes once a day. Keying by the secret string (the same string
 * object on every request, from the IAM cache) avoids building and hashing a joined key per request.
 */
const SIGNING_KEY_CACHE_MAX = 1024;
interface SigningKeyEntry {
  readonly date: string;
  readonly region: string;
  readonly product: string;
  readonly key: Buffer;
}
const signingKeyCache = new Map<string, SigningKeyEntry>();

export function signingKeyV4(secret: string, date: string, region: string, product = 'oss'): Buffer {
  const hit = signingKeyCache.get(secret);
  if (hit !== undefined && hit.date === date && hit.region === region && hit.product === product)
    return hit.key;
  const kDate = createHmac('sha256', `aliyun_v4${secret}`).update(date).digest();
  const kRegion = createHmac('sha256', kDate).update(region).digest();
  const kProduct = createHmac('sha256', kRegion).update(product).digest();
  const key = createHmac('sha256', kProduct).update('aliyun_v4_request').digest();
  if (hit === undefined && signingKeyCache.size >= SIGNING_KEY_CACHE_MAX) {
    // Map iteration is insertion order: drop the oldest entry (simple FIFO bound).
    const oldest = signingKeyCache.keys().next().value;
    if (oldest !== undefined) signingKeyCache.delete(oldest);
  }
  signingKeyCache.set(secret, { date, region, product, key });
  return key;
}

export function computeSignatureV4(signingKey: Buffer, stringToSign: string): string {
  return createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
}

export interface V4Credential {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly product: string;
}

/** `AK/yyyymmdd/region/oss/aliyun_v4_request` (the AK itself may not contain `/`). */
export function parseCredentialV4(value: string): V4Credential {
  const parts = value.split('/');
  const [accessKeyId, date, region, product, terminator] = parts;
  if (
    parts.length !== 5 ||
    !accessKeyId ||
    !date ||
    !region ||
    !product ||
    terminator !== 'aliyun_v4_request'
  ) {
    throw new OssError('InvalidArgument', 'Invalid credential in Authorization header.', {
      ec: '0002-00000204',
    });
  }
  if (!/^\d{8}$/.test(date)) {
    throw new OssError('InvalidArgument', 'Invalid date in credential scope.', { ec: '0002-00000204' });
  }
  return { accessKeyId, date, region, product };
}

/** Splits `a;b;c` into lower-cased names; an empty list is an error (EC 0002-00000209, spec §9.6). */
export function parseAdditionalHeaders(value: string): string[] {
  const names = value
    .split(';')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  if (names.length === 0) {
    throw new OssError('InvalidArgument', 'AdditionalHeaders must not be empty.', { ec: '0002-00000209' });
  }
  return names;
}

export interface V4Authorization {
  readonly credential: V4Credential;
  readonly additionalHeaders: readonly string[];
  readonly signature: string;
}

/** Parses `OSS4-HMAC-SHA256 Credential=…[,AdditionalHeaders=…],Signature=…` (`,` or `, ` separators). */
export function parseV4Authorization(value: string): V4Authorization {
  const rest = value.trim().slice(V4_ALGORITHM.length).trim();
  const fields = new Map<string, string>();
  for (const part of rest.split(',')) {
    const p = part.trim();
    if (p === '') continue;
    const eq = p.indexOf('=');
    if (eq < 0)
      throw new OssError('InvalidArgument', `Malformed Authorization field "${p}".`, { ec: '0002-00000204' });
    fields.set(p.slice(0, eq).trim(), p.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signature = fields.get('Signature');
  if (credential === undefined || signature === undefined || signature === '') {
    throw new OssError('InvalidArgument', 'Authorization header must carry Credential and Signature.', {
      ec: '0002-00000204',
    });
  }
  const additional = fields.get('AdditionalHeaders');
  return {
    credential: parseCredentialV4(credential),
    additionalHeaders: additional === undefined ? [] : parseAdditionalHeaders(additional),
    signature,
  };
}

/** Decimal digits of `value` from `at`, `len` of them; NaN when any is not 0–9. */
function digits(value: string, at: number, len: number): number {
  let n = 0;
  for (let i = at; i < at + len; i++) {
    const d = value.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return n;
}

/**
 * `yyyymmddTHHMMSSZ` → ms since epoch; undefined when malformed. Read digit by digit (every V4 request parses
 * one): the regex, `map(Number)` and its arrays cost ~1 µs of the check's ~11 (issue 10).
 */
export function parseIsoBasic(value: string): number | undefined {
  if (value.length !== 16 || value[8] !== 'T' || value[15] !== 'Z') return undefined;
  const y = digits(value, 0, 4);
  const mo = digits(value, 4, 2);
  const d = digits(value, 6, 2);
  const h = digits(value, 9, 2);
  const mi = digits(value, 11, 2);
  const s = digits(value, 13, 2);
  if (Number.isNaN(y + mo + d + h + mi + s)) return undefined;
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(t);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59)
    return undefined;
  return t;
}
