import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  LOG_BATCH_CHARS,
  LOG_FLUSH_INTERVAL_MS,
  LogLineBatcher,
  type LogSink,
} from '../../src/http/log-destination.js';

/** A sink that records what it was given, and when it was asked to flush synchronously. */
function recordingSink(): LogSink & { writes: string[]; syncFlushes: number } {
  const sink = {
    writes: [] as string[],
    syncFlushes: 0,
    write(data: string): boolean {
      sink.writes.push(data);
      return true;
    },
    flush(cb?: (err?: Error) => void): void {
      cb?.();
    },
    flushSync(): void {
      sink.syncFlushes += 1;
    },
  };
  return sink;
}

const line = (i: number): string => `{"level":30,"msg":"request","n":${i}}\n`;

describe('the request log batcher', () => {
  it('hands lines over whole and in order, one write per ~4 KiB', () => {
    const sink = recordingSink();
    const batcher = new LogLineBatcher(sink);
    const sent = Array.from({ length: 1000 }, (_, i) => line(i));
    for (const l of sent) batcher.write(l);
    batcher.flushSync();
    expect(sink.writes.join('')).toBe(sent.join(''));
    // Every write but the last one (the flush) carries at least a batch's worth, and no more than one line over.
    for (const w of sink.writes.slice(0, -1)) {
      expect(w.length).toBeGreaterThanOrEqual(LOG_BATCH_CHARS);
      expect(w.length).toBeLessThan(LOG_BATCH_CHARS + line(999).length);
    }
    expect(sink.writes.length).toBeLessThan(sent.length / 50);
    expect(sink.syncFlushes).toBe(1);
  });

  it('writes a lone line within the flush interval, without more lines coming', async () => {
    const sink = recordingSink();
    const batcher = new LogLineBatcher(sink);
    batcher.write(line(1));
    expect(sink.writes).toEqual([]);
    await new Promise((r) => setTimeout(r, LOG_FLUSH_INTERVAL_MS * 2 + 50));
    expect(sink.writes).toEqual([line(1)]);
  });

  it('writes the lines still held when the process exits', () => {
    // A child process logs a few lines to stdout through the real destination and exits at once: lines held
    // below the batch size must still reach the pipe.
    const script = `
      import pino from 'pino';
      import { stdoutLogDestination } from ${JSON.stringify(path.resolve(import.meta.dirname, '../../src/http/log-destination.ts'))};
      const logger = pino({ level: 'info' }, stdoutLogDestination());
      for (let i = 0; i < 5; i++) logger.info({ i }, 'request');
      process.exit(0);
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      cwd: path.resolve(import.meta.dirname, '../..'),
    });
    expect(child.stderr).toBe('');
    expect(child.stdout.split('"msg":"request"').length - 1).toBe(5);
  });
});
