import { canonicalResourceV1, computeSignatureV1, stringToSignV1 } from './signature-v1.js';
import {
  UNSIGNED_PAYLOAD,
  V4_ALGORITHM,
  canonicalRequestV4,
  computeSignatureV4,
  scopeV4,
  signingKeyV4,
  stringToSignV4,
  uriEncode,
} from './signature-v4.js';

/**
 * Client-side signing, byte-for-byte what ali-oss 6.23.0 sends (real-clients §1.4): used by the benchmark
 * and the typed client. `subresources` are signed in V1 and sent as `k=`/`k=v`; `query` is sent but only
 * signed in V4 (where every parameter is signed).
 */
export interface ClientRequest {
  readonly method: string;
  readonly bucket?: string | undefined;
  readonly key?: string | undefined;
  readonly query?: Readonly<Record<string, string>>;
  readonly subresources?: Readonly<Record<string, string>>;
  /** Request headers (any case); content-type/content-md5/x-oss-* are signed. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly accessKeyId: string;
  readonly secret: string;
  /** Region id without the `oss-` prefix, e.g. `cn-hangzhou` (V4 only). */
  readonly region: string;
  readonly date: Date;
  /** V4: extra headers to sign (lower-cased, de-duplicated and sorted like ali-oss's fixAdditionalHeaders). */
  readonly additionalHeaders?: readonly string[];
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => String(n).padStart(2, '0');

/** `Sun, 29 Nov 2026 02:59:59 GMT` (what ali-oss puts in x-oss-date for V1). */
export function rfc1123(date: Date): string {
  return `${DAYS[date.getUTCDay()]}, ${pad(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} GMT`;
}

/** `20261129T030000Z` (V4 x-oss-date). */
export function isoBasic(date: Date): string {
  return `${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}T${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}Z`;
}

function lowerHeaders(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = v;
  return out;
}

/** V1 header signing: returns the request headers plus `x-oss-date` and `authorization`. */
export function signV1(req: ClientRequest): Record<string, string> {
  const headers = lowerHeaders(req.headers);
  headers['x-oss-date'] = rfc1123(req.date);
  const sts = stringToSignV1({
    method: req.method,
    bucket: req.bucket,
    key: req.key,
    subresources: req.subresources ?? {},
    headers,
    date: headers['x-oss-date'],
  });
  headers['authorization'] = `OSS ${req.accessKeyId}:${computeSignatureV1(req.secret, sts)}`;
  return headers;
}

/** The canonical V1 resource a request signs (exposed for diagnostics and tests). */
export function clientResourceV1(req: Pick<ClientRequest, 'bucket' | 'key' | 'subresources'>): string {
  return canonicalResourceV1(req.bucket, req.key, req.subresources ?? {});
}

function fixAdditionalHeaders(names: readonly string[] | undefined): string[] {
  const set = new Set((names ?? []).map((n) => n.toLowerCase()));
  return [...set]
    .filter((n) => n !== 'content-type' && n !== 'content-md5' && !n.startsWith('x-oss-'))
    .sort();
}

/**
 * ali-oss's V4 canonical query: qs.stringify with `localeCompare` on raw keys; subresources with '' become
 * bare `k`, while a '' value in `query` stays `k=` (real-clients §1.4).
 */
function canonicalQueryAliOss(query: Record<string, string>, subresources: Record<string, string>): string {
  const entries: [string, string | null][] = Object.entries(query);
  for (const [k, v] of Object.entries(subresources)) {
    const i = entries.findIndex(([ek]) => ek === k);
    const value = v === '' ? null : v;
    if (i >= 0) entries[i] = [k, value];
    else entries.push([k, value]);
  }
  entries.sort((a, b) => a[0].localeCompare(b[0]));
  return entries
    .map(([k, v]) => (v === null ? uriEncode(k, false) : `${uriEncode(k, false)}=${uriEncode(v, false)}`))
    .join('&');
}

/** V4 header signing: returns the headers plus `x-oss-date`, `x-oss-content-sha256` and `authorization`. */
export function signV4(req: ClientRequest): Record<string, string> {
  const headers = lowerHeaders(req.headers);
  const isoDateTime = isoBasic(req.date);
  headers['x-oss-date'] = isoDateTime;
  headers['x-oss-content-sha256'] = UNSIGNED_PAYLOAD;
  const additional = fixAdditionalHeaders(req.additionalHeaders);
  const canonical = canonicalRequestV4({
    method: req.method,
    bucket: req.bucket,
    key: req.key,
    canonicalQuery: canonicalQueryAliOss({ ...(req.query ?? {}) }, { ...(req.subresources ?? {}) }),
    headers,
    additionalHeaders: additional,
    payloadHash: UNSIGNED_PAYLOAD,
  });
  const day = isoDateTime.slice(0, 8);
  const scope = scopeV4(day, req.region);
  const signature = computeSignatureV4(
    signingKeyV4(req.secret, day, req.region),
    stringToSignV4(isoDateTime, scope, canonical),
  );
  const extra = additional.length > 0 ? `AdditionalHeaders=${additional.join(';')},` : '';
  headers['authorization'] =
    `${V4_ALGORITHM} Credential=${req.accessKeyId}/${scope},${extra}Signature=${signature}`;
  return headers;
}

/** Encodes a key for the request path (`/` kept), as ali-oss does (`a b+c.txt` → `a%20b%2Bc.txt`). */
export function encodeKeyPath(key: string): string {
  return uriEncode(key, true);
}

/** The request path + query a client sends: `/bucket/key?sub&k=v` (subresources first as `k=`/`k=v`). */
export function requestPath(req: Pick<ClientRequest, 'bucket' | 'key' | 'query' | 'subresources'>): string {
  let path = '/';
  if (req.bucket !== undefined) path += `${req.bucket}/`;
  if (req.key !== undefined) path += encodeKeyPath(req.key);
  const parts = [...Object.entries(req.query ?? {}), ...Object.entries(req.subresources ?? {})].map(
    ([k, v]) => `${uriEncode(k, false)}=${uriEncode(v, false)}`,
  );
  return parts.length > 0 ? `${path}?${parts.join('&')}` : path;
}
