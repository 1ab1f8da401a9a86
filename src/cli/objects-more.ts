import type { Command } from 'commander';
import type { OssBatchClient } from '../client/client.js';
import { isOssError } from '../client/errors.js';
import { addConnectionOptions, clientFor, type ConnectionFlags } from './config-file.js';
import { humanSize } from './human.js';
import { parseOssUrl } from './oss-url.js';
import { CliExit, guarded, type CliIo } from './output.js';

type Flags = ConnectionFlags & Readonly<Record<string, string | boolean | undefined>>;

export async function withClient(
  o: Flags,
  io: CliIo,
  fn: (c: OssBatchClient) => Promise<void>,
): Promise<void> {
  await guarded(async () => {
    const client = clientFor(o, io);
    try {
      await fn(client);
    } finally {
      client.close();
    }
  });
}

/** NoSuchBucket, said once with what to do about it (issue 11: "missing-bucket hint"). */
export function bucketHint(err: unknown, bucket: string): never {
  if (isOssError(err) && err.code === 'NoSuchBucket') {
    throw new CliExit(`bucket ${bucket} does not exist; create it with: ossbatch mb oss://${bucket}`, 1);
  }
  throw err;
}

/** Fails up front (before any transfer) when the bucket is missing or unreadable. */
export async function requireBucket(client: OssBatchClient, bucket: string): Promise<void> {
  await client.listObjects(bucket, { maxKeys: 1 }).catch((err: unknown) => bucketHint(err, bucket));
}

/** `ls` with no argument: the account's buckets (ListBuckets), one line each, then the count. */
export async function listBuckets(client: OssBatchClient, io: CliIo): Promise<void> {
  const buckets = await client.listBuckets();
  io.stdout.write(
    `${'CreationTime'.padEnd(24)}  ${'Region'.padEnd(14)}  ${'StorageClass'.padEnd(12)}  BucketName\n`,
  );
  for (const b of buckets) {
    io.stdout.write(
      `${b.creationDate.padEnd(24)}  ${(b.region ?? '').padEnd(14)}  ${(b.storageClass ?? '').padEnd(12)}  oss://${b.name}\n`,
    );
  }
  io.stdout.write(`Bucket Number is: ${buckets.length}\n`);
}

/** One object line of `ls`: time, human size, storage class, ETag, URL (ossutil's columns). */
export function objectLine(
  bucket: string,
  o: { key: string; size: number; etag: string; lastModified: string; storageClass?: string | undefined },
): string {
  return `${o.lastModified.padEnd(24)}  ${humanSize(o.size).padStart(10)}  ${(o.storageClass ?? '').padEnd(12)}  ${o.etag.padEnd(32)}  oss://${bucket}/${o.key}\n`;
}

export const LS_HEADER = `${'LastModifiedTime'.padEnd(24)}  ${'Size'.padStart(10)}  ${'StorageClass'.padEnd(12)}  ${'ETAG'.padEnd(32)}  ObjectName\n`;

function registerRm(program: Command, io: CliIo): void {
  const cmd = program
    .command('rm')
    .description('delete an object, or with -r every object under a prefix')
    .argument('<oss://bucket/key>', 'object, or prefix with -r')
    .option('-r, --recursive', 'delete every object whose key starts with the prefix');
  addConnectionOptions(cmd).action((url: string, o: Flags) =>
    withClient(o, io, async (client) => {
      const { bucket, key } = parseOssUrl(url, 'the object');
      if (!o['recursive']) {
        if (key === '' || key.endsWith('/'))
          throw new CliExit(`rm ${url}: name an object, or pass -r to delete everything under a prefix`, 2);
        await client.headObject(bucket, key).catch((err: unknown) => bucketHint(err, bucket));
        await client.deleteObject(bucket, key);
        io.stdout.write(`deleted oss://${bucket}/${key}\n`);
        return;
      }
      await requireBucket(client, bucket);
      let n = 0;
      // The listing pages ahead of the deletes; keys already deleted never come back in a later page.
      for await (const obj of client.listAllObjects(bucket, { prefix: key, maxKeys: 1000 })) {
        await client.deleteObject(bucket, obj.key);
        n++;
      }
      io.stdout.write(`deleted ${n} objects under oss://${bucket}/${key}\n`);
    }),
  );
}

function registerStat(program: Command, io: CliIo): void {
  const cmd = program
    .command('stat')
    .description("show an object's metadata (HeadObject)")
    .argument('<oss://bucket/key>', 'the object');
  addConnectionOptions(cmd).action((url: string, o: Flags) =>
    withClient(o, io, async (client) => {
      const { bucket, key } = parseOssUrl(url, 'the object');
      if (key === '') throw new CliExit('stat needs an object: oss://bucket/key', 2);
      const h = await client.headObject(bucket, key).catch((err: unknown) => bucketHint(err, bucket));
      const rows: [string, string][] = [
        ['Object', `oss://${bucket}/${key}`],
        ['Size', `${h.size} (${humanSize(h.size)})`],
        ['ETag', h.etag],
        ['Last-Modified', h.lastModified ?? ''],
        ['Content-Type', h.contentType ?? ''],
        ...Object.entries(h.meta).map(([k, v]): [string, string] => [`X-Oss-Meta-${k}`, v]),
      ];
      for (const [k, v] of rows) io.stdout.write(`${k.padEnd(20)}: ${v}\n`);
    }),
  );
}

function registerCat(program: Command, io: CliIo): void {
  const cmd = program
    .command('cat')
    .description("write an object's bytes to stdout")
    .argument('<oss://bucket/key>', 'the object');
  addConnectionOptions(cmd).action((url: string, o: Flags) =>
    withClient(o, io, async (client) => {
      const { bucket, key } = parseOssUrl(url, 'the object');
      if (key === '') throw new CliExit('cat needs an object: oss://bucket/key', 2);
      const stream = await client
        .getObjectStream(bucket, key)
        .catch((err: unknown) => bucketHint(err, bucket));
      for await (const chunk of stream) io.stdout.write(chunk as Buffer);
    }),
  );
}

export function registerMoreObjectCommands(program: Command, io: CliIo): void {
  registerRm(program, io);
  registerStat(program, io);
  registerCat(program, io);
}
