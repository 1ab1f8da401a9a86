import { isNode, text, type XmlNode, type XmlValue } from '../protocol/xml.js';
import { invalidArgument, malformedXml, type OssError } from '../protocol/oss-error.js';

/**
 * Small readers for CreateJobRequest fields. Every failure names the element by its full path
 * (`CreateJobRequest/Report/Enabled`) and quotes the offending value, so a client can fix it at once.
 */

export const ROOT = 'CreateJobRequest';

export const fieldError = (path: string, why: string): OssError => invalidArgument(`${ROOT}/${path} ${why}`);

/** Element names of a container, without the parser's `#text` (whitespace between elements). */
export const elementNames = (node: XmlNode): string[] => Object.keys(node).filter((k) => !k.startsWith('#'));

/** Quoted, shortened value for messages (long bodies must not blow up an error). */
export const quote = (v: string): string => JSON.stringify(v.length > 64 ? `${v.slice(0, 64)}…` : v);

export const charCount = (s: string): number => {
  let n = 0;
  for (const _ of s) n += 1;
  return n;
};

/** A single child container; `<X/>`, `<X></X>` and whitespace-only content become {}. */
export function container(node: XmlNode, name: string, path: string): XmlNode | undefined {
  const v: XmlValue | undefined = node[name];
  if (v === undefined) return undefined;
  if (Array.isArray(v)) throw malformedXml(`${ROOT}/${path} may appear only once.`);
  if (typeof v === 'string') {
    if (v.trim() === '') return {};
    throw fieldError(path, `must contain elements, not text ${quote(v)}.`);
  }
  if (isNode(v)) return v;
  throw malformedXml(`${ROOT}/${path} must contain elements.`);
}

/** Text of a single child element, verbatim (tag keys/values, descriptions, prefixes and keys keep their spaces). */
export function rawText(node: XmlNode, name: string, path: string): string | undefined {
  const v = node[name];
  if (isNode(v) && elementNames(v).length > 0) throw fieldError(path, 'must be a text element.');
  if (isNode(v)) return typeof v['#text'] === 'string' ? v['#text'] : '';
  try {
    return text(node, name);
  } catch {
    throw malformedXml(`${ROOT}/${path} may appear only once.`);
  }
}

/** Trimmed text (names, enums, numbers, booleans): pretty-printed XML may indent values. */
export const trimmedText = (node: XmlNode, name: string, path: string): string | undefined =>
  rawText(node, name, path)?.trim();

/** Required trimmed, non-empty text. */
export function requiredText(node: XmlNode, name: string, path: string): string {
  const v = trimmedText(node, name, path);
  if (v === undefined) throw fieldError(path, 'is required.');
  if (v === '') throw fieldError(path, 'must not be empty.');
  return v;
}

/** Booleans are exactly `true` or `false` (spec §1). */
export function booleanField(
  node: XmlNode,
  name: string,
  path: string,
  fallback: boolean | undefined,
): boolean {
  const v = trimmedText(node, name, path);
  if (v === undefined) {
    if (fallback === undefined) throw fieldError(path, 'is required (true or false).');
    return fallback;
  }
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw fieldError(path, `must be true or false; got ${quote(v)}.`);
}

/** A decimal integer in [min, max]; leading zeros and signs other than none are refused. */
export function integerField(
  node: XmlNode,
  name: string,
  path: string,
  min: number,
  max: number,
  fallback: number,
): number {
  const v = trimmedText(node, name, path);
  if (v === undefined) return fallback;
  const n = /^\d{1,12}$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw fieldError(path, `must be an integer between ${min} and ${max}; got ${quote(v)}.`);
  }
  return n;
}

/** One of a fixed set of values (case-sensitive, as OSS enums are). */
export function enumField<T extends string>(
  node: XmlNode,
  name: string,
  path: string,
  values: readonly T[],
  fallback?: T,
): T {
  const v = trimmedText(node, name, path);
  if (v === undefined || (v === '' && fallback !== undefined)) {
    if (fallback === undefined) throw fieldError(path, `is required (one of ${values.join(', ')}).`);
    return fallback;
  }
  if ((values as readonly string[]).includes(v)) return v as T;
  throw fieldError(path, `must be one of ${values.join(', ')}; got ${quote(v)}.`);
}
