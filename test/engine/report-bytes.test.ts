import { describe, expect, it } from 'vitest';
import type { Task } from '../../src/engine/manifest/types.js';
import { reportBytes } from '../../src/engine/report-bytes.js';
import { reportLine } from '../../src/engine/report-rows.js';
import type { TaskResult } from '../../src/engine/task-executor.js';

const ok: TaskResult = { ok: true };
const denied: TaskResult = { ok: false, code: 'AccessDenied', status: 403, message: 'no, "really", no' };

/** The report's format is reportLine's: the byte writer must produce exactly its lines, UTF-8 encoded. */
const expected = (tasks: Task[], results: TaskResult[], failedOnly = false): string =>
  tasks.map((t, i) => (failedOnly && results[i]!.ok ? '' : reportLine(t, results[i]!))).join('');

describe('reportBytes (the report lines of a batch, written as bytes)', () => {
  const keys = [
    'data/0000000001.bin',
    "unreserved-_.!~*'()AZaz09",
    'reserved ;,/?:@&=+$#%[]{}|\\^`"<>',
    'ctl\u0001\u007f',
    'üñíçødé/日本語/😀',
    'mixed ascii then é then ascii',
  ];
  const tasks: Task[] = keys.map((key, i) => ({
    bucket: i === 2 ? 'bucket,with"comma' : 'bench',
    key,
    ...(i === 3 ? { versionId: 'v,1' } : i === 4 ? { versionId: 'CAEQ' } : {}),
  }));
  const results: TaskResult[] = keys.map((_, i) =>
    i % 3 === 1 ? denied : i === 4 ? { ok: true, message: 'restored, twice\nover' } : ok,
  );

  it('matches reportLine for every kind of key, field and result', () => {
    expect(reportBytes('AllTasks', tasks, results).toString('utf8')).toBe(expected(tasks, results));
  });

  it('keeps only failed tasks in the FailedTasksOnly scope', () => {
    expect(reportBytes('FailedTasksOnly', tasks, results).toString('utf8')).toBe(
      expected(tasks, results, true),
    );
  });

  it('lends a view of one reused buffer: a large batch grows it, and each batch gets exactly its own lines', () => {
    // The view is valid until the next call (ShardWriter.append copies what it keeps).
    const many = Array.from({ length: 5000 }, (_, i) => ({
      bucket: 'bench',
      key: `k/${'x'.repeat(40)}/${i}`,
    }));
    const big = reportBytes(
      'AllTasks',
      many,
      many.map(() => ok),
    );
    expect(big.toString('utf8')).toBe(
      expected(
        many,
        many.map(() => ok),
      ),
    );
    expect(reportBytes('AllTasks', tasks, results).toString('utf8')).toBe(expected(tasks, results));
  });

  it('starts clean after a batch that threw (a lone surrogate in a key)', () => {
    const bad: Task[] = [
      { bucket: 'bench', key: 'ok' },
      { bucket: 'bench', key: 'lone\ud800' },
    ];
    expect(() => reportBytes('AllTasks', bad, [ok, ok])).toThrow(URIError);
    expect(reportBytes('AllTasks', tasks, results).toString('utf8')).toBe(expected(tasks, results));
  });
});
