import { SingleBar } from 'cli-progress';
import { humanDuration, humanSize } from './human.js';
import type { CliIo } from './output.js';

export interface TransferState {
  files: number;
  bytes: number;
  failed: number;
}

export interface ProgressView {
  update(state: TransferState): void;
  stop(): void;
}

/**
 * The cp bar on a TTY: percentage of bytes, ETA, then the bar, human sizes, byte rate and file counts.
 * The fields that matter lead, so a narrow terminal cuts only the tail (cli-progress truncates to width).
 */
export function transferProgress(io: CliIo, total: { files: number; bytes: number }): ProgressView {
  if (!io.stdout.isTTY) return { update: () => undefined, stop: () => undefined };
  const started = io.now();
  const bar = new SingleBar({
    format: '{percentage}% ETA {eta_h} {bar} {done}/{size} {rate}/s {value}/{total} files failed {failed}',
    barsize: 20,
    stream: io.stdout as NodeJS.WritableStream,
    hideCursor: true,
  });
  const payload = (s: TransferState): Record<string, string | number> => {
    const secs = (io.now() - started) / 1000;
    const rate = secs > 0 ? s.bytes / secs : 0;
    const left = total.bytes - s.bytes;
    return {
      eta_h: rate > 0 ? humanDuration(left / rate) : '?',
      done: humanSize(s.bytes),
      size: humanSize(total.bytes),
      rate: humanSize(Math.round(rate)),
      failed: s.failed,
    };
  };
  bar.start(total.files, 0, payload({ files: 0, bytes: 0, failed: 0 }));
  return {
    update: (s) => bar.update(s.files + s.failed, payload(s)),
    stop: () => bar.stop(),
  };
}
