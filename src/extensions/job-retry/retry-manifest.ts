import fs from 'node:fs';
import { readChunkTasks, type ManifestDeps, type Task } from '../../engine/manifest/index.js';
import type { ChunkRow } from '../../engine/chunk-repo.js';
import { csvField, fieldEnd, lineStatus } from '../../engine/report-rows.js';
import type { JobRecord } from '../../jobs/model.js';

/** Tasks are read from the manifest this many at a time (the engine's own batch size). */
const READ_BATCH = 1000;

export interface RetryCounts {
  /** Rows taken from the report's failed-tasks CSV. */
  failed: number;
  /** Rows of tasks past their chunk's committed cursor (never ran). */
  unrun: number;
}

/** One retry-manifest row (`bucket,urlencoded-key[,versionId]`), the CSV manifest's own encoding. */
export function taskRow(task: Task, withVersion: boolean): string {
  const head = `${csvField(task.bucket)},${encodeURIComponent(task.key)}`;
  return withVersion ? `${head},${csvField(task.versionId ?? '')}\n` : `${head}\n`;
}

/**
 * A report line starts with the same `bucket,urlencoded-key,versionId` the manifest takes: the retry row is
 * its first two (or three) fields, byte for byte. Lines of other statuses (an AllTasks report read by
 * mistake) are skipped.
 */
export function reportLineToRow(line: string, withVersion: boolean): string | undefined {
  if (line.trim() === '' || lineStatus(line) !== 'failed') return undefined;
  const afterKey = fieldEnd(line, fieldEnd(line, 0) + 1);
  const end = withVersion ? fieldEnd(line, afterKey + 1) : afterKey;
  return `${line.slice(0, end)}\n`;
}

/** Appends the failed rows of a report CSV stream to `fd`; returns how many. */
export async function appendFailedRows(
  fd: number,
  csv: AsyncIterable<Buffer | string>,
  withVersion: boolean,
): Promise<number> {
  let rest = '';
  let n = 0;
  const take = (line: string): void => {
    const row = reportLineToRow(line, withVersion);
    if (row === undefined) return;
    fs.writeSync(fd, row);
    n += 1;
  };
  for await (const piece of csv) {
    const text = rest + (typeof piece === 'string' ? piece : piece.toString('utf8'));
    const lines = text.split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) take(line);
  }
  take(rest);
  return n;
}

/**
 * Appends every task the job never ran: for each chunk, the manifest tasks from its committed cursor on.
 * The cursor and the report are committed in one transaction per heartbeat (chunk-worker.ts), so a task
 * is either before the cursor (and in the report, if it failed) or after it (here): never both, never
 * neither. Reading goes through the same chunk readers the engine uses, which refuse a manifest that
 * changed since planning (its ETag is in the chunk source).
 */
export async function appendUnrunRows(
  fd: number,
  deps: ManifestDeps,
  job: JobRecord,
  chunks: readonly ChunkRow[],
  withVersion: boolean,
): Promise<number> {
  let n = 0;
  for (const c of chunks) {
    const descriptor = {
      index: c.chunkIndex,
      firstTask: c.firstTask,
      taskCount: c.taskCount,
      source: c.source,
    };
    for await (const tasks of readChunkTasks(deps, job, descriptor, c.cursor, READ_BATCH)) {
      let out = '';
      for (const t of tasks) out += taskRow(t, withVersion);
      fs.writeSync(fd, out);
      n += tasks.length;
    }
  }
  return n;
}
