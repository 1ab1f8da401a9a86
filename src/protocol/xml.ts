import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { malformedXml } from './oss-error.js';

/** Bodies larger than this are refused before parsing: the largest legitimate body (CreateJob, a policy) is a few KB. */
export const MAX_XML_BODY_BYTES = 1024 * 1024;

export type XmlValue = string | XmlNode | XmlValue[];
export interface XmlNode {
  [name: string]: XmlValue | undefined;
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  removeNSPrefix: true,
  processEntities: true,
  htmlEntities: false,
});

/**
 * Parses an XML request body. Validates first, refuses DOCTYPE/ENTITY declarations (no entity expansion
 * attacks), caps the size, and checks the root element. Returns the root's content.
 */
export function parseXmlBody(body: Buffer | string, expectedRoot: string): XmlNode {
  // A UTF-8 byte-order mark is valid before the declaration (some serialisers emit both); the parser would
  // take it for a text node beside the root.
  const text = decodeUtf8(body).replace(/^\uFEFF/, '');
  if (Buffer.byteLength(text) > MAX_XML_BODY_BYTES) throw malformedXml('The XML body is too large.');
  checkXmlChars(text);
  if (/<!DOCTYPE|<!ENTITY/i.test(text))
    throw malformedXml('DOCTYPE and ENTITY declarations are not allowed.');
  if (text.trim() === '') throw malformedXml('The request body is empty.');
  const valid = XMLValidator.validate(text);
  if (valid !== true)
    throw malformedXml(
      `The XML you provided was not well-formed: ${valid.err.msg} (line ${valid.err.line}).`,
    );
  let doc: unknown;
  try {
    doc = parser.parse(text);
  } catch {
    throw malformedXml();
  }
  if (!isNode(doc)) throw malformedXml();
  const roots = Object.keys(doc).filter((k) => !k.startsWith('?'));
  if (roots.length !== 1 || roots[0] !== expectedRoot) {
    throw malformedXml(`The root element must be <${expectedRoot}>.`);
  }
  const root = doc[expectedRoot];
  if (root === undefined || root === '') return {};
  if (!isNode(root)) throw malformedXml(`<${expectedRoot}> must contain elements.`);
  return root;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The body as text; bytes that are not UTF-8 make it not well-formed (XML 1.0 §4.3.3), not U+FFFD. */
function decodeUtf8(body: Buffer | string): string {
  if (typeof body === 'string') return body;
  try {
    return UTF8.decode(body);
  } catch {
    throw malformedXml('The XML body is not valid UTF-8.');
  }
}

/**
 * XML 1.0 §2.2 Char: tab, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF. fast-xml-parser's
 * validator lets NUL and other controls through (issue 12: a tagging body with a NUL was stored), so they
 * are refused here, both raw and as character references (`&#0;`, `&#x1F;` are not well-formed either).
 */
const ILLEGAL_CHAR =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point of this pattern.
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const CHAR_REF = /&#(x[0-9a-fA-F]+|[0-9]+);/g;

function legalCodePoint(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

function checkXmlChars(text: string): void {
  const bad = ILLEGAL_CHAR.exec(text);
  if (bad) {
    const cp = bad[0].codePointAt(0) ?? 0;
    throw malformedXml(
      `The XML you provided was not well-formed: character U+${cp.toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML.`,
    );
  }
  for (const m of text.matchAll(CHAR_REF)) {
    const ref = m[1] ?? '';
    const cp = ref.startsWith('x') ? Number.parseInt(ref.slice(1), 16) : Number.parseInt(ref, 10);
    if (!legalCodePoint(cp))
      throw malformedXml(`The XML you provided was not well-formed: ${m[0]} is not a legal character.`);
  }
}

export const isNode = (v: unknown): v is XmlNode => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Child elements of `node` named `name`, always as an array (absent → []). */
export function children(node: XmlNode, name: string): XmlValue[] {
  const v = node[name];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** The text of a single child element; undefined when absent; MalformedXML when repeated or not text. */
export function text(node: XmlNode, name: string): string | undefined {
  const v = node[name];
  if (v === undefined) return undefined;
  if (Array.isArray(v)) throw malformedXml(`<${name}> may appear only once.`);
  if (typeof v === 'string') return v;
  if (isNode(v) && Object.keys(v).length === 0) return '';
  throw malformedXml(`<${name}> must be a text element.`);
}

/** A single child container; undefined when absent. Empty elements (`<X/>`, `<X></X>`) become {}. */
export function child(node: XmlNode, name: string): XmlNode | undefined {
  const v = node[name];
  if (v === undefined) return undefined;
  if (Array.isArray(v)) throw malformedXml(`<${name}> may appear only once.`);
  if (v === '') return {};
  if (typeof v === 'string') {
    if (v.trim() === '') return {};
    throw malformedXml(`<${name}> must contain elements.`);
  }
  return v;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
export const escapeXml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

/** Something the serializer can emit: primitives become text, arrays repeat the element, undefined is omitted. */
export type XmlOut = string | number | boolean | bigint | undefined | null | XmlOutNode | XmlOut[];
export interface XmlOutNode {
  [name: string]: XmlOut;
}

function emit(name: string, value: XmlOut, out: string[]): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    for (const item of value) emit(name, item, out);
    return;
  }
  if (typeof value === 'object') {
    out.push(`<${name}>`);
    for (const [k, v] of Object.entries(value)) emit(k, v, out);
    out.push(`</${name}>`);
    return;
  }
  out.push(`<${name}>${escapeXml(String(value))}</${name}>`);
}

/** Serialises `{ Root: {...} }`-shaped data in key order, with the XML declaration OSS sends. */
export function toXml(rootName: string, value: XmlOutNode): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  emit(rootName, value, out);
  return out.join('');
}
