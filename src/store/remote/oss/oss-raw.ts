import type { Readable } from 'node:stream';
import { XMLParser } from 'fast-xml-parser';
import type { XmlNode, XmlValue } from '../../../protocol/xml.js';
import type { AliOssRaw } from './ali-oss-client.js';

/** Elements that repeat in the listings read here; always parsed as arrays (one entry is still a list). */
const LISTS = new Set(['Upload', 'Part', 'Version', 'DeleteMarker', 'CommonPrefixes']);

// A response parser, not parseXmlBody: a 1,000-entry listing with long keys passes the 1 MiB request cap.
const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  removeNSPrefix: true,
  processEntities: true,
  htmlEntities: false,
  isArray: (name) => LISTS.has(name),
});

export interface OssRawRequest {
  readonly method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD';
  /** '' addresses the bucket. */
  readonly key: string;
  readonly subres?: Record<string, string>;
  readonly query?: Record<string, string | number>;
  readonly headers?: Record<string, string>;
  readonly content?: string;
  readonly stream?: Readable;
  readonly mime?: string;
  /** Statuses answered without throwing (ali-oss turns any other into its error). */
  readonly ok: number[];
}

export interface OssRawResponse {
  readonly status: number;
  readonly headers: Record<string, string | undefined>;
  /** The XML root's content; empty for a bodyless answer. */
  readonly xml: XmlNode;
}

/**
 * One request through ali-oss's signing and transport, with the exact headers and body this adapter chooses.
 * Used where ali-oss's own method drops what OSS answered (CommonPrefixes of ListMultipartUploads, the order
 * of Complete's part list, the delete-marker headers of a HEAD 404).
 */
export async function ossRaw(client: AliOssRaw, r: OssRawRequest): Promise<OssRawResponse> {
  const params = client._objectRequestParams(r.method, r.key, {
    subres: r.subres ?? {},
    ...(r.headers === undefined ? {} : { headers: r.headers }),
  }) as Record<string, unknown>;
  if (r.query !== undefined) params.query = r.query;
  if (r.content !== undefined) params.content = r.content;
  if (r.stream !== undefined) params.stream = r.stream;
  if (r.mime !== undefined) params.mime = r.mime;
  params.successStatuses = r.ok;
  const res = (await client.request(params)) as unknown as {
    status: number;
    headers?: Record<string, string | undefined>;
    res?: { headers?: Record<string, string | undefined> };
    data?: Buffer | string;
  };
  const body = res.data === undefined ? '' : String(res.data);
  return {
    status: res.status,
    headers: res.headers ?? res.res?.headers ?? {},
    xml: body.trim() === '' ? {} : rootOf(parser.parse(body) as XmlNode),
  };
}

function rootOf(doc: XmlNode): XmlNode {
  for (const [name, value] of Object.entries(doc)) {
    if (name.startsWith('?')) continue;
    return typeof value === 'object' && !Array.isArray(value) ? value : {};
  }
  return {};
}

/** The text of a child element ('' when absent). */
export const str = (node: XmlNode | undefined, name: string): string => {
  const v = node?.[name];
  return typeof v === 'string' ? v : '';
};

/** The child elements called `name` (an absent list is empty). */
export const list = (node: XmlNode | undefined, name: string): XmlNode[] => {
  const v: XmlValue | undefined = node?.[name];
  const all = v === undefined ? [] : Array.isArray(v) ? v : [v];
  return all.map((x): XmlNode => (typeof x === 'object' && !Array.isArray(x) ? x : { '#text': x }));
};
