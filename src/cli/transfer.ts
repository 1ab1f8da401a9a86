import { OssError } from '../client/errors.js';
import { humanSize } from './human.js';
import { ossErrorLine, type CliIo } from './output.js';
import { transferProgress, type TransferState } from './transfer-progress.js';

/** One file to move: where from and to (for messages) and its size (for the bar). */
export interface TransferItem {
  readonly from: string;
  readonly to: string;
  readonly size: number;
}

export interface TransferTotals extends TransferState {
  /** Items never started because the user pressed Ctrl-C. */
  readonly interrupted: boolean;
}

/** Set by Ctrl-C: workers finish the transfer in hand and start no other. */
export interface StopFlag {
  stopped: boolean;
}

/**
 * Runs `doOne` over the items with `parallel` in flight. Each failure is one stderr line and the rest go
 * on; a stop (Ctrl-C) lets the transfers in flight finish, so no object or file is left half-written.
 */
export async function runTransfers<T extends TransferItem>(
  items: AsyncIterable<T>,
  opts: { parallel: number; io: CliIo; total: { files: number; bytes: number }; stop: StopFlag },
  doOne: (item: T) => Promise<void>,
): Promise<TransferTotals> {
  const state: TransferState = { files: 0, bytes: 0, failed: 0 };
  const view = transferProgress(opts.io, opts.total);
  const iterator = items[Symbol.asyncIterator]();
  let interrupted = false;
  const worker = async (): Promise<void> => {
    for (;;) {
      if (opts.stop.stopped) {
        interrupted = true;
        return;
      }
      const next = await iterator.next();
      if (next.done) return;
      try {
        await doOne(next.value);
        state.files++;
        state.bytes += next.value.size;
      } catch (err) {
        state.failed++;
        const why = err instanceof OssError ? ossErrorLine(err) : (err as Error).message;
        opts.io.stderr.write(`failed: ${next.value.from} -> ${next.value.to}: ${why}\n`);
      }
      view.update(state);
    }
  };
  try {
    await Promise.all(Array.from({ length: opts.parallel }, worker));
  } finally {
    view.stop();
  }
  return { ...state, interrupted };
}

/** The last line of cp: what was done (also after Ctrl-C, so the user knows where it stopped). */
export function summaryLine(verb: string, t: TransferTotals, target: string, secs: string): string {
  const what = `${verb} ${t.files} files (${humanSize(t.bytes)}) to ${target} in ${secs}s`;
  return t.interrupted ? `interrupted: ${what}; ${t.failed} failed; the rest was not started\n` : `${what}\n`;
}
