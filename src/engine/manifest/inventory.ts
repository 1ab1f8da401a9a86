import { createHash, type Hash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { ManifestSpec } from '../../jobs/model.js';
import type { RoleRecord } from '../../iam/types.js';
import type { ObjectMeta } from '../../store/types.js';
import { openReadable, reopenUnchanged } from './access.js';
import { BatchCollector, ChunkCutter, parseSource } from './chunk-cutter.js';
import {
  MAX_MANIFEST_JSON_BYTES,
  parseInventoryManifest,
  readAll,
  type InventoryFile,
} from './inventory-json.js';
import { textLineBatches } from './line-splitter.js';
import { inventoryLayout, type RowLayout } from './row-layout.js';
import { parseRow } from './row-parser.js';
import { ManifestError, type ChunkDescriptor, type ManifestDeps, type Task } from './types.js';

/**
 * Chunk source of an inventory manifest: tasks [firstRow, firstRow + rowCount) of data file `file`
 * (counted over task rows: blank lines and delete markers are not rows), plus the data file's key,
 * its ETag at planning and the layout from fileSchema, so execution never re-reads manifest.json.
 */
export interface InventorySource {
  readonly k: 'inventory';
  readonly file: number;
  readonly key: string;
  readonly etag: string;
  readonly schema: string;
  readonly firstRow: number;
  readonly rowCount: number;
}

/**
 * Plans a bucket-inventory manifest (spec §12.2): reads manifest.json, then streams every gzip data file
 * (in the manifest's bucket) once, verifying its MD5 against MD5checksum while counting its task rows.
 * Chunks never straddle data files.
 */
export async function planInventory(
  deps: ManifestDeps,
  role: RoleRecord,
  spec: ManifestSpec,
  meta: ObjectMeta,
  chunkSize: number,
  cutter: ChunkCutter,
): Promise<void> {
  const manifest = parseInventoryManifest(
    await readAll(deps.store.readObject(meta), MAX_MANIFEST_JSON_BYTES),
  );
  const layout = inventoryLayout(manifest.fileSchema);
  for (const [index, file] of manifest.files.entries()) {
    const data = await openReadable(deps, role, spec.bucket, file.key);
    const hash = createHash('md5');
    let inChunk = 0;
    let firstRow = 0;
    const source = (): InventorySource => ({
      k: 'inventory',
      file: index,
      key: file.key,
      etag: data.meta.etag,
      schema: manifest.fileSchema,
      firstRow,
      rowCount: inChunk,
    });
    for await (const tasks of inventoryTasks(
      gunzipped(deps.store.readObject(data.meta), hash),
      layout,
      file.key,
    )) {
      for (let i = 0; i < tasks.length; i++) {
        inChunk += 1;
        if (inChunk === chunkSize) {
          cutter.emit(inChunk, source());
          firstRow += inChunk;
          inChunk = 0;
        }
      }
    }
    cutter.emit(inChunk, source());
    checkMd5(file, hash.digest('hex').toUpperCase());
  }
}

function checkMd5(file: InventoryFile, actual: string): void {
  if (actual !== file.md5) {
    throw new ManifestError(
      'InvalidManifest',
      `Inventory data file ${file.key} has MD5 ${actual}, manifest.json says ${file.md5}.`,
    );
  }
}

/** gunzip(raw), feeding the compressed bytes to `hash` on the way when given. */
function gunzipped(raw: Readable, hash?: Hash): Readable {
  const gunzip = createGunzip();
  raw.on('error', (e) => gunzip.destroy(e));
  if (hash) {
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        cb(null, chunk);
      },
    });
    tap.on('error', (e) => gunzip.destroy(e));
    raw.pipe(tap).pipe(gunzip);
  } else {
    raw.pipe(gunzip);
  }
  gunzip.on('close', () => raw.destroy());
  return gunzip;
}

/**
 * The task rows of a gunzipped data file, in order, one array per decoded stream chunk. Malformed rows
 * and bad gzip become InvalidManifest naming the file and line. Stopping early destroys the streams.
 */
async function* inventoryTasks(lines: Readable, layout: RowLayout, key: string): AsyncGenerator<Task[]> {
  let lineNo = 0;
  try {
    for await (const batch of textLineBatches(lines)) {
      const tasks: Task[] = [];
      for (const text of batch) {
        lineNo += 1;
        if (text === '') continue;
        const row = parseRow(text, layout);
        if (typeof row === 'string') {
          throw new ManifestError(
            'InvalidManifest',
            `Malformed row in inventory data file ${key} at line ${lineNo}: ${row}.`,
          );
        }
        if (row !== null) tasks.push(row);
      }
      yield tasks;
    }
  } catch (e) {
    if (e instanceof ManifestError) throw e;
    if (typeof (e as { code?: unknown }).code === 'string' && (e as { code: string }).code.startsWith('Z_')) {
      throw new ManifestError(
        'InvalidManifest',
        `Inventory data file ${key} is not valid gzip (${(e as Error).message}).`,
      );
    }
    throw e;
  } finally {
    lines.destroy();
  }
}

/**
 * Re-streams the chunk's data file from its start (gunzip cannot seek) and skips to the chunk's rows.
 * Fine because inventory data files are bounded in size (OSS splits them); the cost is at most one
 * data file decompressed per chunk.
 */
export async function* readInventoryChunk(
  deps: ManifestDeps,
  spec: ManifestSpec,
  chunk: ChunkDescriptor,
  skip: number,
  batchSize: number,
): AsyncGenerator<Task[]> {
  const src = parseSource<InventorySource>(chunk, 'inventory');
  if (skip >= src.rowCount) return;
  const meta = await reopenUnchanged(deps, spec.bucket, src.key, src.etag);
  const collector = new BatchCollector<Task>(src.firstRow + skip, src.firstRow + src.rowCount, batchSize);
  const lines = gunzipped(deps.store.readObject(meta));
  for await (const tasks of inventoryTasks(lines, inventoryLayout(src.schema), src.key)) {
    for (const task of tasks) if (!collector.add(task)) break;
    for (const batch of collector.takeReady()) yield batch;
    if (collector.done) break;
  }
  const rest = collector.takeRest();
  if (rest) yield rest;
}
