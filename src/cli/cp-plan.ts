import fs from 'node:fs';
import path from 'node:path';
import type { OssBatchClient } from '../client/client.js';
import { CliExit } from './output.js';
import type { TransferItem } from './transfer.js';

export interface OssItem extends TransferItem {
  readonly bucket: string;
  readonly key: string;
}
export interface DownloadItem extends OssItem {
  readonly file: string;
}
export interface CopyItem extends OssItem {
  readonly destBucket: string;
  readonly destKey: string;
}

const baseName = (key: string): string => key.slice(key.lastIndexOf('/') + 1);

/**
 * A key's path below the listed prefix, as a relative local path. Keys are not paths: `..`, `.`, empty
 * segments or a leading `/` could write outside the target directory, so such keys are refused.
 */
export function safeRelative(key: string, prefix: string): string {
  const rel = key.slice(prefix.length);
  const parts = rel.split('/');
  if (rel === '' || parts.some((p) => p === '' || p === '.' || p === '..') || path.isAbsolute(rel)) {
    throw new CliExit(`refusing to download key "${key}": it is not a safe relative path`, 1);
  }
  return parts.join(path.sep);
}

/** Objects under `prefix` (or the one object `key`), paged, as OssItems. */
async function* sources(
  client: OssBatchClient,
  bucket: string,
  key: string,
  recursive: boolean,
): AsyncGenerator<{ key: string; size: number }> {
  if (!recursive) {
    const head = await client.headObject(bucket, key);
    yield { key, size: head.size };
    return;
  }
  for await (const o of client.listAllObjects(bucket, { prefix: key, maxKeys: 1000 })) {
    if (!o.key.endsWith('/')) yield { key: o.key, size: o.size };
  }
}

/** `cp oss://b/k ./file`, `cp oss://b/k ./dir/`, `cp -r oss://b/prefix/ ./dir`. */
export async function* downloadPlan(
  client: OssBatchClient,
  src: { bucket: string; key: string },
  dest: string,
  recursive: boolean,
): AsyncGenerator<DownloadItem> {
  const intoDir = recursive || dest.endsWith('/') || dest.endsWith(path.sep) || isDir(dest);
  for await (const o of sources(client, src.bucket, src.key, recursive)) {
    const file = recursive
      ? path.join(dest, safeRelative(o.key, src.key))
      : intoDir
        ? path.join(dest, baseName(o.key))
        : dest;
    yield { ...o, bucket: src.bucket, file, from: `oss://${src.bucket}/${o.key}`, to: file };
  }
}

/** `cp oss://a/k oss://b/prefix/` and `cp -r oss://a/prefix/ oss://b/prefix/`: server-side copies. */
export async function* copyPlan(
  client: OssBatchClient,
  src: { bucket: string; key: string },
  dest: { bucket: string; key: string },
  recursive: boolean,
): AsyncGenerator<CopyItem> {
  const destDir = dest.key === '' || dest.key.endsWith('/');
  const base = recursive && !destDir ? `${dest.key}/` : dest.key;
  for await (const o of sources(client, src.bucket, src.key, recursive)) {
    const destKey = recursive
      ? `${base}${o.key.slice(src.key.length)}`
      : destDir
        ? `${base}${baseName(o.key)}`
        : base;
    yield {
      ...o,
      bucket: src.bucket,
      destBucket: dest.bucket,
      destKey,
      from: `oss://${src.bucket}/${o.key}`,
      to: `oss://${dest.bucket}/${destKey}`,
    };
  }
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Counts a plan (files, bytes) for the bar's total: a second listing, done only on a TTY. */
export async function planTotals(
  plan: AsyncIterable<TransferItem>,
): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  for await (const item of plan) {
    files++;
    bytes += item.size;
  }
  return { files, bytes };
}
