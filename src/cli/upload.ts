import fs from 'node:fs';
import path from 'node:path';
import { SingleBar } from 'cli-progress';
import type { OssBatchClient } from '../client/client.js';
import { OssError } from '../client/errors.js';
import { multipartPolicy, uploadMultipart } from './multipart-upload.js';
import { ossErrorLine, type CliIo } from './output.js';
import type { StopFlag } from './transfer.js';

/** Files up to 8 MiB are sent from memory with Content-MD5 (the server checks integrity); larger ones stream. */
const IN_MEMORY_LIMIT = 8 * 1024 * 1024;

const TYPES: Readonly<Record<string, string>> = {
  '.txt': 'text/plain',
  '.csv': 'text/csv',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.html': 'text/html',
  '.css': 'text/css',
  '.js': 'application/javascript',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.pdf': 'application/pdf',
  '.gz': 'application/gzip',
};

export interface UploadItem {
  readonly file: string;
  readonly key: string;
  readonly size: number;
}

/** Every regular file under `dir` (depth-first, sorted per directory), streamed. */
export async function* walk(
  dir: string,
  rel = '',
): AsyncGenerator<{ file: string; rel: string; size: number }> {
  const entries = (await fs.promises.readdir(path.join(dir, rel), { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : 1,
  );
  for (const e of entries) {
    const r = rel === '' ? e.name : `${rel}/${e.name}`;
    if (e.isDirectory()) yield* walk(dir, r);
    else if (e.isFile()) {
      const file = path.join(dir, r);
      yield { file, rel: r, size: (await fs.promises.stat(file)).size };
    }
  }
}

/** What `cp <src> oss://bucket/prefix` uploads: a file keeps its name under a prefix ending in `/`. */
export async function* uploadPlan(src: string, prefix: string): AsyncGenerator<UploadItem> {
  const stat = await fs.promises.stat(src);
  if (stat.isFile()) {
    const key = prefix === '' || prefix.endsWith('/') ? `${prefix}${path.basename(src)}` : prefix;
    yield { file: src, key, size: stat.size };
    return;
  }
  const base = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
  for await (const f of walk(src)) yield { file: f.file, key: `${base}${f.rel}`, size: f.size };
}

export async function uploadOne(
  client: OssBatchClient,
  bucket: string,
  item: UploadItem,
  ctx?: { io: CliIo; stop: StopFlag },
): Promise<void> {
  const contentType = TYPES[path.extname(item.file).toLowerCase()] ?? 'application/octet-stream';
  // Large files go multipart: parallel parts, resumable by re-running the same cp (multipart-upload.ts).
  if (ctx !== undefined && item.size >= multipartPolicy(ctx.io.env).threshold) {
    const target = { file: item.file, bucket, key: item.key, contentType };
    return uploadMultipart(client, ctx.io, target, multipartPolicy(ctx.io.env), ctx.stop);
  }
  const body =
    item.size <= IN_MEMORY_LIMIT
      ? await fs.promises.readFile(item.file)
      : { stream: () => fs.createReadStream(item.file), length: item.size };
  await client.putObject(bucket, item.key, body, { contentType });
}

export interface UploadTotals {
  files: number;
  bytes: number;
  failed: number;
}

/** Uploads the plan with `parallel` requests in flight; a TTY gets a bar (files), failures go to stderr. */
export async function uploadAll(
  client: OssBatchClient,
  bucket: string,
  plan: AsyncIterable<UploadItem>,
  parallel: number,
  io: CliIo,
  totalFiles: number,
): Promise<UploadTotals> {
  const totals: UploadTotals = { files: 0, bytes: 0, failed: 0 };
  const bar = io.stdout.isTTY
    ? new SingleBar({
        format: '{bar} {value}/{total} files | {bytes} bytes | failed {failed}',
        stream: io.stdout as NodeJS.WritableStream,
        hideCursor: true,
      })
    : undefined;
  bar?.start(totalFiles, 0, { bytes: 0, failed: 0 });
  const iterator = plan[Symbol.asyncIterator]();
  const worker = async (): Promise<void> => {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      const item = next.value;
      try {
        await uploadOne(client, bucket, item);
        totals.files++;
        totals.bytes += item.size;
      } catch (err) {
        totals.failed++;
        const why = err instanceof OssError ? ossErrorLine(err) : (err as Error).message;
        io.stderr.write(`failed: ${item.file} -> oss://${bucket}/${item.key}: ${why}\n`);
      }
      bar?.update(totals.files + totals.failed, { bytes: totals.bytes, failed: totals.failed });
    }
  };
  try {
    await Promise.all(Array.from({ length: parallel }, worker));
  } finally {
    bar?.stop();
  }
  return totals;
}
