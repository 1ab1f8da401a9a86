import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { OssError } from '../../protocol/oss-error.js';
import { MAX_PART_NUMBER, MIN_PART_SIZE, type CompleteUploadInput } from '../multipart-store.js';
import type { ObjectAcl, ObjectMeta, StorageClass } from '../types.js';
import { crashPoint } from './crash-point.js';
import type { MultipartDeps } from './multipart-ops.js';
import { requireUpload } from './multipart-ops.js';
import type { PartRow, UploadRow } from './multipart-sql.js';
import type { NewObject } from './object-input.js';
import { decodeTags } from './tags.js';

/** A multipart object may be far larger than one PUT (OSS: 10,000 parts of up to 5 GB). */
const MAX_ASSEMBLED_SIZE = Number.MAX_SAFE_INTEGER;

const unquote = (etag: string): string => etag.trim().replace(/^"|"$/g, '').toUpperCase();

const invalidPart = (partNumber: number, why: string): OssError =>
  new OssError('InvalidPart', `Part ${partNumber}: ${why}`, { details: { PartNumber: String(partNumber) } });

/** The parts Complete assembles, validated as OSS does: ascending numbers, known parts, matching ETags. */
export function choosePartsForComplete(
  stored: readonly PartRow[],
  requested: CompleteUploadInput['parts'],
): PartRow[] {
  if (requested === 'all') {
    if (stored.length === 0) throw new OssError('InvalidPart', 'The upload has no parts to complete.');
    return [...stored];
  }
  if (requested.length === 0) throw new OssError('MalformedXML', 'The part list is empty.');
  if (requested.length > MAX_PART_NUMBER)
    throw new OssError('InvalidArgument', `A multipart object has at most ${MAX_PART_NUMBER} parts.`);
  const byNumber = new Map(stored.map((p) => [p.part_number, p]));
  const chosen: PartRow[] = [];
  let previous = 0;
  for (const r of requested) {
    if (r.partNumber <= previous) throw new OssError('InvalidPartOrder');
    previous = r.partNumber;
    const part = byNumber.get(r.partNumber);
    if (part === undefined) throw invalidPart(r.partNumber, 'no such part was uploaded.');
    if (unquote(r.etag) !== part.etag) throw invalidPart(r.partNumber, 'the ETag does not match.');
    chosen.push(part);
  }
  return chosen;
}

/** Every part but the last is at least 100 KB (OSS checks this at Complete). */
export function checkPartSizes(parts: readonly PartRow[]): void {
  for (let i = 0; i < parts.length - 1; i += 1) {
    const p = parts[i];
    if (p !== undefined && p.size < MIN_PART_SIZE) {
      throw new OssError(
        'EntityTooSmall',
        `Part ${p.part_number} is ${p.size} bytes; every part but the last must be at least ${MIN_PART_SIZE} bytes.`,
        { details: { PartNumber: String(p.part_number), ProposedSize: String(p.size) } },
      );
    }
  }
}

/** OSS's multipart ETag: MD5 over the parts' binary MD5s, upper-case hex, then `-<part count>`. */
export function multipartEtag(parts: readonly PartRow[]): string {
  const hash = createHash('md5');
  for (const p of parts) hash.update(Buffer.from(p.etag, 'hex'));
  return `${hash.digest('hex').toUpperCase()}-${parts.length}`;
}

/** The parts' bytes, one after the other; the crash tests may kill the process between two parts. */
function concatenated(d: MultipartDeps, parts: readonly PartRow[]): Readable {
  async function* bytes(): AsyncGenerator<Buffer> {
    for (const [i, p] of parts.entries()) {
      if (i === 1) crashPoint('complete-writing');
      for await (const chunk of d.files.open(p.file, p.size)) yield chunk as Buffer;
    }
  }
  return Readable.from(bytes());
}

/**
 * CompleteMultipartUpload, crash-safe like PutObject: the parts are copied into one temp file, fsynced and
 * renamed into place; then ONE transaction writes the object row (through the store's own commit path, so
 * whatever PutObject's commit does, e.g. versioning, applies here too) and deletes the upload and its part
 * rows. A kill before that commit leaves the upload intact and the new file unreferenced (removed at
 * start-up); a kill after it leaves the whole object and unreferenced part files (removed at start-up).
 */
export async function completeUpload(
  d: MultipartDeps,
  commit: (o: NewObject) => Promise<ObjectMeta>,
  input: CompleteUploadInput,
): Promise<ObjectMeta> {
  d.buckets.require(input.bucket);
  const upload = requireUpload(d.st, input.bucket, input.key, input.uploadId);
  const stored = d.st.allParts.all(input.uploadId) as PartRow[];
  const parts = choosePartsForComplete(stored, input.parts);
  checkPartSizes(parts);
  const total = parts.reduce((sum, p) => sum + p.size, 0);
  const body = await d.files
    .writeTemp(concatenated(d, parts), total, MAX_ASSEMBLED_SIZE)
    .catch((e: unknown) => {
      // A part file vanished while being read: a concurrent Abort (NoSuchUpload) or a re-upload of that part.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      requireUpload(d.st, input.bucket, input.key, input.uploadId);
      throw new OssError('InvalidPart', 'A part was replaced while the upload was being completed.');
    });
  const file = body.tmp === null ? null : await d.files.place(body.tmp);
  crashPoint('complete-placed');
  const meta = await commit({
    ...objectFields(upload, input.acl),
    size: body.size,
    etag: multipartEtag(parts),
    file,
    forbidOverwrite: input.forbidOverwrite,
    inCommit: () => {
      // A concurrent Complete or Abort of the same upload may have won: then this one fails, no object.
      requireUpload(d.st, input.bucket, input.key, input.uploadId);
      d.st.deleteParts.run(input.uploadId);
      d.st.deleteUpload.run(input.uploadId);
    },
  });
  crashPoint('complete-committed');
  for (const p of stored) await d.files.remove(p.file);
  return meta;
}

function objectFields(
  upload: UploadRow,
  acl: ObjectAcl | undefined,
): Omit<NewObject, 'size' | 'etag' | 'file' | 'inCommit'> {
  const record = (text: string | null): Record<string, string> =>
    text === null ? {} : (JSON.parse(text) as Record<string, string>);
  return {
    bucket: upload.bucket,
    key: upload.key,
    contentType: upload.content_type,
    storageClass: upload.storage_class as StorageClass,
    acl: acl ?? (upload.acl as ObjectAcl),
    userMeta: record(upload.user_meta),
    httpHeaders: record(upload.http_headers),
    tags: decodeTags(upload.tags),
  };
}
