import type { IncomingHttpHeaders } from 'node:http';
import type { OssRequest } from './transport.js';
import type { ListObjectsOptions, ListObjectsResult, ObjectHead } from './types.js';
import { list, num, str, type XmlObject } from './xml-response.js';

/** ListObjectsV2 (spec §11.5) with `encoding-type=url`, so any key survives the XML reply. */
export function listObjectsRequest(bucket: string, opts: ListObjectsOptions): OssRequest {
  const query: Record<string, string> = { 'list-type': '2', 'encoding-type': 'url' };
  if (opts.prefix !== undefined && opts.prefix !== '') query['prefix'] = opts.prefix;
  if (opts.delimiter !== undefined && opts.delimiter !== '') query['delimiter'] = opts.delimiter;
  if (opts.startAfter !== undefined) query['start-after'] = opts.startAfter;
  if (opts.maxKeys !== undefined) query['max-keys'] = String(opts.maxKeys);
  const subresources: Record<string, string> = {};
  if (opts.continuationToken !== undefined) subresources['continuation-token'] = opts.continuationToken;
  return { method: 'GET', bucket, query, subresources };
}

const decode = (s: string, encoded: boolean): string => (encoded ? decodeURIComponent(s) : s);

export function parseListObjects(root: XmlObject): ListObjectsResult {
  const encoded = str(root, 'EncodingType') === 'url';
  const next = str(root, 'NextContinuationToken');
  return {
    objects: list(root, 'Contents').map((c) => ({
      key: decode(str(c, 'Key') ?? '', encoded),
      size: num(c, 'Size', 0),
      etag: (str(c, 'ETag') ?? '').replace(/"/g, ''),
      lastModified: str(c, 'LastModified') ?? '',
      storageClass: str(c, 'StorageClass'),
    })),
    commonPrefixes: list(root, 'CommonPrefixes').map((p) => decode(str(p, 'Prefix') ?? '', encoded)),
    isTruncated: str(root, 'IsTruncated') === 'true',
    nextContinuationToken: next === undefined || next === '' ? undefined : next,
  };
}

export function headObjectOf(headers: IncomingHttpHeaders): ObjectHead {
  const meta: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (k.startsWith('x-oss-meta-') && typeof v === 'string') meta[k.slice('x-oss-meta-'.length)] = v;
  }
  return {
    size: Number(headers['content-length'] ?? 0),
    etag: String(headers.etag ?? '').replace(/"/g, ''),
    lastModified: headers['last-modified'],
    contentType: headers['content-type'],
    meta,
  };
}
