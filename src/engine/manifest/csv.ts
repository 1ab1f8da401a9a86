import { Readable } from 'node:stream';
import type { ManifestSpec } from '../../jobs/model.js';
import type { ObjectMeta } from '../../store/types.js';
import { manifestBytes, reopenUnchanged } from './access.js';
import { BatchCollector, ChunkCutter, parseSource } from './chunk-cutter.js';
import { CsvRowValidator, malformedRow, type CsvSource } from './csv-planner.js';
import { forEachByteLine, textLineBatches } from './line-splitter.js';
import { csvLayout } from './row-layout.js';
import { parseRow } from './row-parser.js';
import type { ChunkDescriptor, ManifestDeps, Task } from './types.js';

/**
 * Plans a CSV manifest (spec §12.1) in one streaming pass: every `chunkSize` task rows the byte offset
 * is recorded; a chunk's source is the byte range [start, end) holding its rows (blank lines included),
 * so execution reads only that range. Memory: the store's read buffers plus at most one carried line.
 */
export async function planCsv(
  deps: ManifestDeps,
  spec: ManifestSpec,
  meta: ObjectMeta,
  chunkSize: number,
  cutter: ChunkCutter,
): Promise<void> {
  const validator = new CsvRowValidator(csvLayout(spec.fields));
  let inChunk = 0;
  let start = 0;
  let line = 1;
  let lastEnd = 0;
  await forEachByteLine(manifestBytes(deps, meta), (buf, s, e, absStart, absNext) => {
    if (!validator.check(buf, s, e)) return;
    if (inChunk === 0) {
      start = absStart;
      line = validator.lineNo;
    }
    inChunk += 1;
    lastEnd = absNext;
    if (inChunk === chunkSize) {
      cutter.emit(inChunk, csvSource(start, absNext, line, meta.etag));
      inChunk = 0;
    }
  });
  cutter.emit(inChunk, csvSource(start, lastEnd, line, meta.etag));
}

const csvSource = (start: number, end: number, line: number, etag: string): CsvSource => ({
  k: 'csv',
  start,
  end,
  line,
  etag,
});

/** Reads one CSV chunk's byte range and yields its tasks (after `skip`) in batches of ≤ batchSize. */
export async function* readCsvChunk(
  deps: ManifestDeps,
  spec: ManifestSpec,
  chunk: ChunkDescriptor,
  skip: number,
  batchSize: number,
): AsyncGenerator<Task[]> {
  const src = parseSource<CsvSource>(chunk, 'csv');
  if (skip >= chunk.taskCount || src.end <= src.start) return;
  const meta = await reopenUnchanged(deps, spec.bucket, spec.object, src.etag, spec.versionId);
  const layout = csvLayout(spec.fields);
  const collector = new BatchCollector<Task>(skip, chunk.taskCount, batchSize);
  const bytes = manifestBytes(deps, meta, { start: src.start, end: src.end - 1 });
  let lineNo = src.line - 1;
  try {
    for await (const lines of textLineBatches(bytes)) {
      for (const text of lines) {
        lineNo += 1;
        // A UTF-8 BOM opens line 1 in spreadsheet exports; the planner skips it too.
        const line = lineNo === 1 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
        if (line === '') continue;
        const row = parseRow(line, layout);
        if (typeof row === 'string') throw malformedRow(lineNo, row);
        if (row !== null && !collector.add(row)) break;
      }
      for (const batch of collector.takeReady()) yield batch;
      if (collector.done) break;
    }
  } finally {
    // A stream left mid-way is closed; a scan's generator closed its file when the loop left it.
    if (bytes instanceof Readable) bytes.destroy();
  }
  const rest = collector.takeRest();
  if (rest) yield rest;
}
