import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import type { OssBatchClient } from '../client/client.js';
import { addConnectionOptions, type ConnectionFlags } from './config-file.js';
import { copyPlan, downloadPlan, planTotals, type CopyItem, type DownloadItem } from './cp-plan.js';
import { bucketHint, requireBucket, withClient } from './objects-more.js';
import { parseOssUrl } from './oss-url.js';
import { CliExit, type CliIo } from './output.js';
import {
  runTransfers,
  summaryLine,
  type StopFlag,
  type TransferItem,
  type TransferTotals,
} from './transfer.js';
import { uploadOne, uploadPlan, type UploadItem } from './upload.js';

type Flags = ConnectionFlags & Readonly<Record<string, string | boolean | undefined>>;

/** Exit status after Ctrl-C, as shells report a SIGINT-ended command (128 + 2). */
const INTERRUPTED_EXIT = 130;

async function download(client: OssBatchClient, item: DownloadItem): Promise<void> {
  await fs.promises.mkdir(path.dirname(item.file), { recursive: true });
  // Written next to the target and renamed: an interrupted or failed download never leaves a partial file.
  const tmp = `${item.file}.ossbatch-${process.pid}.part`;
  try {
    await pipeline(await client.getObjectStream(item.bucket, item.key), fs.createWriteStream(tmp));
    await fs.promises.rename(tmp, item.file);
  } finally {
    await fs.promises.rm(tmp, { force: true });
  }
}

const copy = (client: OssBatchClient, item: CopyItem): Promise<unknown> =>
  client.copyObject({ bucket: item.bucket, key: item.key }, item.destBucket, item.destKey);

interface Job<T extends TransferItem> {
  readonly verb: string;
  readonly target: string;
  plan(): AsyncIterable<T>;
  run(item: T, stop: StopFlag): Promise<unknown>;
}

async function execute<T extends TransferItem>(job: Job<T>, io: CliIo, parallel: number): Promise<void> {
  const stop: StopFlag = { stopped: false };
  const onInt = (): void => {
    stop.stopped = true;
  };
  process.once('SIGINT', onInt);
  const started = io.now();
  let totals: TransferTotals;
  try {
    const total = io.stdout.isTTY ? await planTotals(job.plan()) : { files: 0, bytes: 0 };
    totals = await runTransfers(
      job.plan(),
      { parallel, io, total, stop },
      async (i) => void (await job.run(i, stop)),
    );
  } finally {
    process.removeListener('SIGINT', onInt);
  }
  const secs = ((io.now() - started) / 1000).toFixed(1);
  io.stdout.write(summaryLine(job.verb, totals, job.target, secs));
  if (totals.interrupted) throw new CliExit('interrupted (Ctrl-C)', INTERRUPTED_EXIT);
  if (totals.failed > 0)
    throw new CliExit(`${totals.failed} of ${totals.files + totals.failed} transfers failed`, 1);
  if (totals.files === 0) io.stderr.write('ossbatch: warning: nothing matched; no file was transferred\n');
}

function parallelOf(v: unknown): number {
  if (v === undefined) return 8;
  if (typeof v !== 'string' || !/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 256) {
    throw new CliExit(`--parallel must be an integer from 1 to 256, not "${JSON.stringify(v)}"`, 2);
  }
  return Number(v);
}

async function cp(client: OssBatchClient, io: CliIo, src: string, dest: string, o: Flags): Promise<void> {
  const recursive = o['recursive'] === true;
  const parallel = parallelOf(o['parallel']);
  const srcOss = src.startsWith('oss://');
  const destOss = dest.startsWith('oss://');
  if (!srcOss && !destOss)
    throw new CliExit('cp copies to or from oss://bucket/key; both sides are local', 2);
  if (srcOss) {
    const from = parseOssUrl(src, 'the source');
    if (from.key === '' && !recursive)
      throw new CliExit(`cp ${src}: name an object, or pass -r for a prefix`, 2);
    await requireBucket(client, from.bucket);
    if (!recursive)
      await client.headObject(from.bucket, from.key).catch((e: unknown) => bucketHint(e, from.bucket));
    if (destOss) {
      const to = parseOssUrl(dest, 'the destination');
      await requireBucket(client, to.bucket);
      return execute(
        {
          verb: 'copied',
          target: dest,
          plan: () => copyPlan(client, from, to, recursive),
          run: (i) => copy(client, i),
        },
        io,
        parallel,
      );
    }
    return execute(
      {
        verb: 'downloaded',
        target: dest,
        plan: () => downloadPlan(client, from, dest, recursive),
        run: (i) => download(client, i),
      },
      io,
      parallel,
    );
  }
  if (!fs.existsSync(src)) throw new CliExit(`${src}: no such file or directory`, 2);
  const { bucket, key: prefix } = parseOssUrl(dest, 'the destination');
  // Up front, once: a missing bucket would otherwise fail every file on its own line.
  await requireBucket(client, bucket);
  await execute<UploadItem & TransferItem>(
    {
      verb: 'uploaded',
      target: dest,
      plan: async function* () {
        for await (const item of uploadPlan(src, prefix))
          yield { ...item, from: item.file, to: `oss://${bucket}/${item.key}` };
      },
      // The stop flag reaches multipart uploads too: Ctrl-C ends them between parts, resumable.
      run: (i, stop) => uploadOne(client, bucket, i, { io, stop }),
    },
    io,
    parallel,
  );
}

export function registerCp(program: Command, io: CliIo): void {
  const cmd = program
    .command('cp')
    .description(
      'copy files: upload (local → oss://), download (oss:// → local) or copy between buckets (oss:// → oss://)',
    )
    .argument('<source>', 'local file or directory, or oss://bucket/key (a prefix with -r)')
    .argument('<destination>', 'oss://bucket/prefix or a local path; a name ending in / is a directory')
    .option('-r, --recursive', 'every object under the source prefix (a local directory is always recursive)')
    .option('--parallel <n>', 'transfers in flight (default 8)');
  addConnectionOptions(cmd).action((src: string, dest: string, o: Flags) =>
    withClient(o, io, (client) => cp(client, io, src, dest, o)),
  );
}
