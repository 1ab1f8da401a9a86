import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** A parsed XML reply: text leaves are strings, repeated elements are arrays. */
export type XmlData = string | XmlObject | XmlData[];
export interface XmlObject {
  [name: string]: XmlData;
}

/**
 * Elements that may repeat, so they always parse to arrays (a list with one job is still a list): the
 * JSON/YAML output of the CLI and the typed parsers rely on it.
 */
export const REPEATED_ELEMENTS: ReadonlySet<string> = new Set([
  'JobListDescriptor',
  'Tag',
  'JobFailure',
  'Contents',
  'CommonPrefixes',
  'Bucket',
  'Grant',
  'Statement',
]);

/** `Bucket` repeats only inside `<Buckets>` (ListBuckets); elsewhere it is the report/manifest bucket name. */
function isRepeated(name: string, jpath: string): boolean {
  if (name === 'Bucket') return jpath.endsWith('Buckets.Bucket');
  return REPEATED_ELEMENTS.has(name);
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  removeNSPrefix: true,
  ignoreDeclaration: true,
  processEntities: true,
  htmlEntities: false,
  isArray: (name, jpath) => isRepeated(name, String(jpath)),
});

/** Parses a reply body into `{ Root: {...} }`. Throws on malformed XML or a DOCTYPE (never expanded). */
export function parseXml(xml: string): XmlObject {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new Error('the reply contains a DOCTYPE/ENTITY declaration');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`the reply is not well-formed XML: ${valid.err.msg}`);
  return normalise(parser.parse(xml) as unknown) as XmlObject;
}

/**
 * Containers of repeated elements: an empty one (`<Jobs/>`, `<FailureReasons/>`) or a ListBucketResult
 * without objects still carries its lists, as `[]` (issue 11: `.ListJobsResult.Jobs.JobListDescriptor == []`,
 * never `""`), so a script can iterate without checking for a missing or empty-string value.
 */
const LIST_CONTAINERS: Readonly<Record<string, readonly string[]>> = {
  Jobs: ['JobListDescriptor'],
  FailureReasons: ['JobFailure'],
  TagSet: ['Tag'],
  Buckets: ['Bucket'],
  ListBucketResult: ['Contents', 'CommonPrefixes'],
};

/** Other empty elements parse to '' — kept as '' (leaf) so JSON shows "" rather than {}. */
function normalise(v: unknown, name = ''): XmlData {
  const lists = LIST_CONTAINERS[name];
  if (Array.isArray(v)) return v.map((item) => normalise(item, name));
  if (lists !== undefined && (v === '' || v === undefined || v === null)) v = {};
  if (typeof v === 'object' && v !== null) {
    const out: XmlObject = {};
    for (const [k, val] of Object.entries(v)) if (!k.startsWith('?')) out[k] = normalise(val, k);
    for (const item of lists ?? []) out[item] ??= [];
    return out;
  }
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

/** The single root element's content (`{}` when it is empty). */
export function rootOf(doc: XmlObject, name: string): XmlObject {
  const r = doc[name];
  if (r === undefined) throw new Error(`expected <${name}> as the reply's root element`);
  return typeof r === 'object' && !Array.isArray(r) ? r : {};
}

export function obj(node: XmlObject | undefined, name: string): XmlObject | undefined {
  const v = node?.[name];
  if (v === undefined || typeof v === 'string' || Array.isArray(v)) return v === '' ? {} : undefined;
  return v;
}

export function list(node: XmlObject | undefined, name: string): XmlObject[] {
  const v = node?.[name];
  if (v === undefined) return [];
  const arr = Array.isArray(v) ? v : [v];
  return arr.map((x) => (typeof x === 'object' && !Array.isArray(x) ? x : {}));
}

export function str(node: XmlObject | undefined, name: string): string | undefined {
  const v = node?.[name];
  return typeof v === 'string' ? v : undefined;
}

export function num(node: XmlObject | undefined, name: string, fallback: number): number {
  const s = str(node, name);
  if (s === undefined || s.trim() === '') return fallback;
  const n = Number(s);
  return Number.isFinite(n) ? n : fallback;
}
