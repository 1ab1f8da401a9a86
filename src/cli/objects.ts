import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import type { OssBatchClient } from '../client/client.js';
import { addConnectionOptions, type ConnectionFlags } from './config-file.js';
import {
  LS_HEADER,
  bucketHint,
  listBuckets,
  objectLine,
  registerMoreObjectCommands,
  withClient,
} from './objects-more.js';
import { parseOssUrl } from './oss-url.js';
import { CliExit, processIo, type CliIo } from './output.js';
import { registerCp } from './cp.js';

type Flags = ConnectionFlags & Readonly<Record<string, string | boolean | undefined>>;

function intFlag(v: unknown, flag: string, fallback: number, max: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max) {
    throw new CliExit(`${flag} must be an integer from 1 to ${max}, not "${JSON.stringify(v)}"`, 2);
  }
  return Number(v);
}

function registerMb(program: Command, io: CliIo): void {
  const cmd = program
    .command('mb')
    .description('make a bucket (PutBucket)')
    .argument('<oss://bucket>', 'the bucket to create')
    .option('--acl <acl>', 'private (default), public-read or public-read-write');
  addConnectionOptions(cmd).action((url: string, o: Flags) =>
    withClient(o, io, async (client) => {
      const { bucket, key } = parseOssUrl(url, 'the bucket');
      if (key !== '') throw new CliExit(`mb takes a bucket only (oss://${bucket}), not a key`, 2);
      const acl = o['acl'];
      if (acl !== undefined && acl !== 'private' && acl !== 'public-read' && acl !== 'public-read-write') {
        throw new CliExit(`--acl must be private, public-read or public-read-write, not "${String(acl)}"`, 2);
      }
      await client.putBucket(bucket, acl === undefined ? {} : { acl });
      io.stdout.write(`created oss://${bucket}\n`);
    }),
  );
}

function registerLs(program: Command, io: CliIo): void {
  const cmd = program
    .command('ls')
    .description('list buckets, or the objects under oss://bucket[/prefix] (all pages)')
    .argument('[oss://bucket/prefix]', 'bucket and optional prefix; none lists the buckets')
    .option('-d, --directory', 'one level only: print sub-prefixes instead of descending')
    .option('--limit <n>', 'stop after n objects');
  addConnectionOptions(cmd).action((url: string | undefined, o: Flags) =>
    withClient(o, io, async (client) => {
      if (url === undefined) return listBuckets(client, io);
      const { bucket, key: prefix } = parseOssUrl(url, 'the location');
      const limit = intFlag(o['limit'], '--limit', Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
      let token: string | undefined;
      let count = 0;
      io.stdout.write(LS_HEADER);
      do {
        const page = await client
          .listObjects(bucket, {
            prefix,
            delimiter: o['directory'] ? '/' : undefined,
            continuationToken: token,
            maxKeys: 1000,
          })
          .catch((err: unknown) => bucketHint(err, bucket));
        for (const p of page.commonPrefixes) io.stdout.write(`${'DIR'.padStart(36)}  oss://${bucket}/${p}\n`);
        for (const obj of page.objects) {
          if (count >= limit) break;
          io.stdout.write(objectLine(bucket, obj));
          count++;
        }
        token = page.isTruncated && count < limit ? page.nextContinuationToken : undefined;
      } while (token !== undefined);
      io.stdout.write(`Object Number is: ${count}\n`);
    }),
  );
}

/**
 * Writes the CSV manifest rows (`bucket,urlencoded-key`, no header: spec §12.1) to a temp file while listing,
 * page by page, so memory stays flat for any number of keys; then uploads the file with its exact length.
 */
async function buildManifest(
  client: OssBatchClient,
  from: { bucket: string; key: string },
  tmp: string,
  pageSize: number,
): Promise<number> {
  const out = fs.createWriteStream(tmp);
  let count = 0;
  try {
    for await (const obj of client.listAllObjects(from.bucket, { prefix: from.key, maxKeys: pageSize })) {
      const line = `${from.bucket},${encodeURIComponent(obj.key)}\n`;
      if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      count++;
    }
  } finally {
    await new Promise<void>((resolve, reject) =>
      out.end((err?: Error | null) => (err ? reject(err) : resolve())),
    );
  }
  return count;
}

function registerManifest(program: Command, io: CliIo): void {
  const cmd = program
    .command('manifest')
    .description('write a CSV manifest (bucket,urlencoded-key rows) of every object under a prefix')
    .requiredOption('--from <oss://bucket/prefix>', 'objects to list')
    .requiredOption('--to <oss://bucket/key>', 'where to write the manifest, e.g. oss://bucket/manifest.csv')
    .option('--page-size <n>', 'keys per listing request, 1-1000 (default 1000)');
  addConnectionOptions(cmd).action((o: Flags) =>
    withClient(o, io, async (client) => {
      const from = parseOssUrl(String(o['from']), '--from');
      const to = parseOssUrl(String(o['to']), '--to');
      if (to.key === '' || to.key.endsWith('/'))
        throw new CliExit('--to needs an object key, e.g. oss://bucket/manifest.csv', 2);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-manifest-'));
      try {
        const tmp = path.join(dir, 'manifest.csv');
        const count = await buildManifest(
          client,
          from,
          tmp,
          intFlag(o['pageSize'], '--page-size', 1000, 1000),
        );
        const length = fs.statSync(tmp).size;
        const res = await client.putObject(
          to.bucket,
          to.key,
          { stream: () => fs.createReadStream(tmp), length },
          { contentType: 'text/csv' },
        );
        io.stdout.write(`wrote ${count} keys to oss://${to.bucket}/${to.key} (ETag ${res.etag})\n`);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }),
  );
}

/** `ossbatch mb`, `cp`, `ls`, `manifest`, `rm`, `stat`, `cat`: ossutil's object commands, as users type them. */
export function registerObjectCommands(program: Command, io: CliIo = processIo()): void {
  registerMb(program, io);
  registerCp(program, io);
  registerLs(program, io);
  registerManifest(program, io);
  registerMoreObjectCommands(program, io);
}
