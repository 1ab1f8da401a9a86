import type { Readable } from 'node:stream';
import { ManifestError } from './types.js';

/** A manifest.json larger than this is refused (a real one lists a few thousand data files, ~1 MB). */
export const MAX_MANIFEST_JSON_BYTES = 16 * 1024 * 1024;

export interface InventoryFile {
  readonly key: string;
  /** Upper-case hex MD5 of the gzip data file. */
  readonly md5: string;
}

export interface InventoryManifest {
  readonly fileSchema: string;
  readonly files: readonly InventoryFile[];
}

const invalid = (why: string): ManifestError =>
  new ManifestError('InvalidManifest', `Invalid inventory manifest.json: ${why}.`);

export async function readAll(stream: Readable, limit: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      stream.destroy();
      throw invalid(`larger than ${limit} bytes`);
    }
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

/** Looks a property up case-insensitively (spec gap 24: the exact key spelling is not documented). */
function prop(obj: Record<string, unknown>, name: string): unknown {
  if (name in obj) return obj[name];
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(obj)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Parses an OSS bucket-inventory manifest.json (spec §12.2) leniently: case-insensitive property names,
 * fileFormat (when given) must be CSV, fileSchema must name Bucket and Key (checked by the layout),
 * files[] entries need a key and a 32-hex MD5checksum (either case).
 */
export function parseInventoryManifest(bytes: Buffer): InventoryManifest {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw invalid(`not JSON (${(e as Error).message})`);
  }
  if (!isRecord(doc)) throw invalid('not a JSON object');
  const format = prop(doc, 'fileFormat');
  if (format !== undefined && (typeof format !== 'string' || format.trim().toUpperCase() !== 'CSV')) {
    throw invalid(`fileFormat ${JSON.stringify(format)} is not CSV`);
  }
  const fileSchema = prop(doc, 'fileSchema');
  if (typeof fileSchema !== 'string' || fileSchema.trim() === '') throw invalid('fileSchema missing');
  const files = prop(doc, 'files');
  if (!Array.isArray(files)) throw invalid('files[] missing');
  return { fileSchema, files: files.map((f, i) => parseFile(f, i)) };
}

function parseFile(entry: unknown, i: number): InventoryFile {
  if (!isRecord(entry)) throw invalid(`files[${i}] is not an object`);
  const key = prop(entry, 'key');
  const md5 = prop(entry, 'MD5checksum');
  if (typeof key !== 'string' || key === '') throw invalid(`files[${i}].key missing`);
  if (typeof md5 !== 'string' || !/^[0-9a-fA-F]{32}$/.test(md5.trim())) {
    throw invalid(`files[${i}].MD5checksum missing or not 32 hex digits`);
  }
  return { key, md5: md5.trim().toUpperCase() };
}
