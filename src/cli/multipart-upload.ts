import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { OssBatchClient } from '../client/client.js';
import { OssError } from '../client/errors.js';
import type { CliIo } from './output.js';
import type { StopFlag } from './transfer.js';

/**
 * `ossbatch cp` for large files (issue 9): InitiateMultipartUpload, parts in parallel, Complete. A checkpoint
 * under ~/.ossbatch/cp-checkpoints names the upload, so re-running the same `cp` after an interruption sends
 * only the parts the server does not have yet (ListParts is the truth; the checkpoint only finds the upload).
 */

/** Files from this size go multipart (OSSBATCH_CP_MULTIPART_THRESHOLD overrides): one PUT is at most 5 GiB. */
const DEFAULT_THRESHOLD = 64 * 1024 * 1024;
/** 16 MiB parts (OSSBATCH_CP_PART_SIZE overrides): ≥ 100 KB (OSS's minimum), and 10,000 parts reach 156 GiB. */
const DEFAULT_PART_SIZE = 16 * 1024 * 1024;
const MIN_PART_SIZE = 100 * 1024;
const MAX_PARTS = 10_000;
/** Parts in flight per file. */
const PART_PARALLEL = 4;

export interface MultipartPolicy {
  readonly threshold: number;
  readonly partSize: number;
}

function sizeFromEnv(value: string | undefined, fallback: number, name: string, min: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min)
    throw new Error(`${name} must be an integer ≥ ${min}, not "${value}"`);
  return n;
}

export function multipartPolicy(env: Readonly<Record<string, string | undefined>>): MultipartPolicy {
  return {
    threshold: sizeFromEnv(
      env['OSSBATCH_CP_MULTIPART_THRESHOLD'],
      DEFAULT_THRESHOLD,
      'OSSBATCH_CP_MULTIPART_THRESHOLD',
      1,
    ),
    partSize: sizeFromEnv(
      env['OSSBATCH_CP_PART_SIZE'],
      DEFAULT_PART_SIZE,
      'OSSBATCH_CP_PART_SIZE',
      MIN_PART_SIZE,
    ),
  };
}

interface Checkpoint {
  readonly file: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly bucket: string;
  readonly key: string;
  readonly partSize: number;
  readonly uploadId: string;
}

function checkpointPath(io: CliIo, file: string, bucket: string, key: string): string {
  const id = createHash('sha256')
    .update(`${path.resolve(file)}\n${bucket}\n${key}`)
    .digest('hex')
    .slice(0, 32);
  return path.join(io.homeDir, '.ossbatch', 'cp-checkpoints', `${id}.json`);
}

async function readCheckpoint(where: string): Promise<Checkpoint | undefined> {
  try {
    return JSON.parse(await fs.promises.readFile(where, 'utf8')) as Checkpoint;
  } catch {
    return undefined;
  }
}

async function writeCheckpoint(where: string, cp: Checkpoint): Promise<void> {
  await fs.promises.mkdir(path.dirname(where), { recursive: true, mode: 0o700 });
  const tmp = `${where}.${process.pid}.tmp`;
  await fs.promises.writeFile(tmp, JSON.stringify(cp), { mode: 0o600 });
  await fs.promises.rename(tmp, where);
}

const field = (xml: string, name: string): string | undefined =>
  new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

/** Parts the server holds for the upload (all pages); undefined when the upload no longer exists. */
async function listedParts(
  client: OssBatchClient,
  cp: Checkpoint,
): Promise<Map<number, { etag: string; size: number }> | undefined> {
  const parts = new Map<number, { etag: string; size: number }>();
  let marker = '0';
  for (;;) {
    let xml: string;
    try {
      const res = await client.request({
        method: 'GET',
        bucket: cp.bucket,
        key: cp.key,
        subresources: { uploadId: cp.uploadId },
        query: { 'part-number-marker': marker, 'max-parts': '1000' },
      });
      xml = res.body.toString('utf8');
    } catch (err) {
      if (err instanceof OssError && err.code === 'NoSuchUpload') return undefined;
      throw err;
    }
    for (const m of xml.matchAll(/<Part>([\s\S]*?)<\/Part>/g)) {
      const body = m[1] ?? '';
      const etag = (field(body, 'ETag') ?? '').replace(/&quot;|"/g, '');
      parts.set(Number(field(body, 'PartNumber')), { etag, size: Number(field(body, 'Size')) });
    }
    if (field(xml, 'IsTruncated') !== 'true') return parts;
    marker = field(xml, 'NextPartNumberMarker') ?? '0';
  }
}

async function initiate(
  client: OssBatchClient,
  bucket: string,
  key: string,
  contentType: string,
): Promise<string> {
  const res = await client.request({
    method: 'POST',
    bucket,
    key,
    subresources: { uploads: '' },
    headers: { 'content-type': contentType },
  });
  const id = field(res.body.toString('utf8'), 'UploadId');
  if (id === undefined || id === '') throw new Error('InitiateMultipartUpload answered without an UploadId');
  return id;
}

/** The checkpoint for this exact file (same size and mtime) whose upload still exists, with its parts. */
async function resumable(
  client: OssBatchClient,
  where: string,
  want: Omit<Checkpoint, 'uploadId'>,
): Promise<{ cp: Checkpoint; parts: Map<number, { etag: string; size: number }> } | undefined> {
  const cp = await readCheckpoint(where);
  if (cp === undefined) return undefined;
  const same =
    cp.size === want.size &&
    cp.mtimeMs === want.mtimeMs &&
    cp.partSize === want.partSize &&
    cp.key === want.key;
  const parts = same ? await listedParts(client, cp) : undefined;
  return parts === undefined ? undefined : { cp, parts };
}

/** Ctrl-C during a multipart upload: the parts in flight finish, no others start, the upload stays resumable. */
export class MultipartInterrupted extends Error {
  override readonly name = 'MultipartInterrupted';
}

/** Sends the parts the server lacks, PART_PARALLEL at a time; returns false when stopped part-way. */
async function sendParts(
  client: OssBatchClient,
  cp: Checkpoint,
  done: Map<number, { etag: string; size: number }>,
  count: number,
  stop: StopFlag | undefined,
): Promise<boolean> {
  const todo = Array.from({ length: count }, (_, i) => i + 1).filter((n) => {
    const expected = Math.min(cp.partSize, cp.size - (n - 1) * cp.partSize);
    return done.get(n)?.size !== expected;
  });
  const worker = async (): Promise<void> => {
    for (let n = todo.shift(); n !== undefined && stop?.stopped !== true; n = todo.shift()) {
      const start = (n - 1) * cp.partSize;
      const end = Math.min(start + cp.partSize, cp.size) - 1;
      const res = await client.request({
        method: 'PUT',
        bucket: cp.bucket,
        key: cp.key,
        subresources: { partNumber: String(n), uploadId: cp.uploadId },
        body: () => fs.createReadStream(cp.file, { start, end }),
        contentLength: end - start + 1,
      });
      done.set(n, { etag: String(res.headers.etag ?? '').replace(/"/g, ''), size: end - start + 1 });
    }
  };
  await Promise.all(Array.from({ length: PART_PARALLEL }, worker));
  return stop?.stopped !== true;
}

/** Uploads one large file as a multipart upload, resuming an earlier interrupted run of the same cp. */
export async function uploadMultipart(
  client: OssBatchClient,
  io: CliIo,
  item: { file: string; bucket: string; key: string; contentType: string },
  policy: MultipartPolicy,
  stop?: StopFlag,
): Promise<void> {
  const stat = await fs.promises.stat(item.file);
  const partSize = Math.max(policy.partSize, Math.ceil(stat.size / MAX_PARTS));
  const where = checkpointPath(io, item.file, item.bucket, item.key);
  const want = {
    file: path.resolve(item.file),
    size: stat.size,
    mtimeMs: stat.mtimeMs,
    bucket: item.bucket,
    key: item.key,
    partSize,
  };
  const found = await resumable(client, where, want);
  const cp = found?.cp ?? {
    ...want,
    uploadId: await initiate(client, item.bucket, item.key, item.contentType),
  };
  if (found === undefined) await writeCheckpoint(where, cp);
  const parts = found?.parts ?? new Map<number, { etag: string; size: number }>();
  const count = Math.max(1, Math.ceil(stat.size / partSize));
  if (!(await sendParts(client, cp, parts, count, stop))) {
    throw new MultipartInterrupted(
      `interrupted after ${parts.size} of ${count} parts; re-run the same command to resume the upload`,
    );
  }
  const list = Array.from({ length: count }, (_, i) => i + 1)
    .map((n) => `<Part><PartNumber>${n}</PartNumber><ETag>"${parts.get(n)?.etag ?? ''}"</ETag></Part>`)
    .join('');
  await client.request({
    method: 'POST',
    bucket: item.bucket,
    key: item.key,
    subresources: { uploadId: cp.uploadId },
    headers: { 'content-type': 'application/xml' },
    body: Buffer.from(`<CompleteMultipartUpload>${list}</CompleteMultipartUpload>`),
  });
  await fs.promises.rm(where, { force: true });
}
