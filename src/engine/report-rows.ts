import type { ReportScope } from '../jobs/model.js';
import type { Task } from './manifest/types.js';
import type { TaskResult } from './task-executor.js';

/** The report's CSV columns (spec §14). */
export const REPORT_SCHEMA = 'Bucket, Key, VersionId, TaskStatus, ErrorCode, HTTPStatusCode, ResultMessage';

const NEEDS_QUOTES = /[",\r\n]/;

/** RFC 4180 quoting: only fields holding a comma, quote or line break are quoted, quotes doubled. */
export function csvField(value: string): string {
  // Line breaks become spaces so that one task is always one physical line (the assembler splits on \n).
  if (/[\r\n]/.test(value)) value = value.replace(/[\r\n]+/g, ' ');
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * One report line per task: `bucket,urlencoded key,versionId,succeeded|failed,ErrorCode,HTTPStatus,Message`.
 * Bucket, encoded key and version id never hold a comma, so the 4th field (status) can be found by a plain
 * split when the report is assembled.
 */
export function reportLine(task: Task, result: TaskResult): string {
  const head = `${csvField(task.bucket)},${encodeURIComponent(task.key)},${csvField(task.versionId ?? '')}`;
  if (result.ok) return `${head},succeeded,,200,${csvField(result.message ?? '')}\n`;
  return `${head},failed,${csvField(result.code)},${result.status},${csvField(result.message)}\n`;
}

/** The lines for a batch in the job's report scope. */
export function reportLines(
  scope: ReportScope,
  tasks: readonly Task[],
  results: readonly TaskResult[],
): string {
  let out = '';
  for (let i = 0; i < tasks.length; i++) {
    const r = results[i] as TaskResult;
    if (scope === 'FailedTasksOnly' && r.ok) continue;
    out += reportLine(tasks[i] as Task, r);
  }
  return out;
}

/** The TaskStatus of a report line (see reportLine). */
export function lineStatus(line: string): string {
  let comma = -1;
  for (let n = 0; n < 3; n++) comma = line.indexOf(',', comma + 1);
  return line.slice(comma + 1, line.indexOf(',', comma + 1));
}
