import { createHmac } from 'node:crypto';
import { headerValue, type RequestHeaders } from './auth-common.js';
import { BATCH_SUBRESOURCES, isSignedSubresource } from './signed-subresources.js';

/** What a V1 string to sign is built from (spec §9.4). */
export interface V1SigningInput {
  readonly method: string;
  readonly bucket?: string | undefined;
  readonly key?: string | undefined;
  /** Signed sub-resources, name → decoded value ('' for a bare key). Order does not matter. */
  readonly subresources: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
  readonly headers: RequestHeaders;
  /** The Date slot: x-oss-date/Date for header auth, `Expires` for presigned URLs. */
  readonly date: string;
}

function isMap(
  v: ReadonlyMap<string, string> | Readonly<Record<string, string>>,
): v is ReadonlyMap<string, string> {
  return v instanceof Map;
}

/** `/`, `/bucket/` or `/bucket/key` with the decoded key (spec §9.4). */
export function v1ResourcePath(bucket: string | undefined, key: string | undefined): string {
  if (bucket === undefined) return '/';
  return key === undefined ? `/${bucket}/` : `/${bucket}/${key}`;
}

export function canonicalResourceV1(
  bucket: string | undefined,
  key: string | undefined,
  subresources: ReadonlyMap<string, string> | Readonly<Record<string, string>>,
): string {
  const entries: [string, string][] = isMap(subresources) ? [...subresources] : Object.entries(subresources);
  const path = v1ResourcePath(bucket, key);
  if (entries.length === 0) return path;
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return `${path}?${entries.map(([k, v]) => (v === '' ? k : `${k}=${v}`)).join('&')}`;
}

/** `name:value\n` for every `x-oss-*` header, lower-cased, trimmed, sorted (spec §9.4). */
export function canonicalOssHeadersV1(headers: RequestHeaders): string {
  const names = Object.keys(headers)
    .filter((n) => n.toLowerCase().startsWith('x-oss-') && headers[n] !== undefined)
    .sort();
  let out = '';
  for (const n of names) out += `${n.toLowerCase()}:${(headerValue(headers, n) ?? '').trim()}\n`;
  return out;
}

export function stringToSignV1(input: V1SigningInput): string {
  return (
    `${input.method.toUpperCase()}\n` +
    `${headerValue(input.headers, 'content-md5') ?? ''}\n` +
    `${headerValue(input.headers, 'content-type') ?? ''}\n` +
    `${input.date}\n` +
    canonicalOssHeadersV1(input.headers) +
    canonicalResourceV1(input.bucket, input.key, input.subresources)
  );
}

export function computeSignatureV1(secret: string, stringToSign: string): string {
  return createHmac('sha1', secret).update(stringToSign, 'utf8').digest('base64');
}

/** The signed sub-resources of a parsed query, minus `exclude` (presign parameters). */
export function signedSubresourcesOf(query: ReadonlyMap<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of query) if (isSignedSubresource(k)) out.set(k, v);
  return out;
}

/**
 * Candidate sub-resource sets to verify against, in order: as sent, then without the batch sub-resources
 * when any is present (Java SDK v2 omits them from the V1 resource; spec gap 3).
 */
export function subresourceCandidates(signed: Map<string, string>): Map<string, string>[] {
  const candidates = [signed];
  if ([...signed.keys()].some((k) => BATCH_SUBRESOURCES.has(k))) {
    candidates.push(new Map([...signed].filter(([k]) => !BATCH_SUBRESOURCES.has(k))));
  }
  return candidates;
}

/** Parses `OSS <ak>:<signature>`; undefined when malformed. */
export function parseV1Authorization(value: string): { accessKeyId: string; signature: string } | undefined {
  const m = /^OSS ([^:\s]+):(\S+)$/.exec(value.trim());
  if (!m || m[1] === undefined || m[2] === undefined) return undefined;
  return { accessKeyId: m[1], signature: m[2] };
}
