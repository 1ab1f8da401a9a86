import fs from 'node:fs';
import path from 'node:path';
import type { ShardRef, ShardSeed, ShardStore, ShardWriter } from '../../engine/shard-store.js';

/** `<dataDir>/jobs/<jobId>/`: one directory per job, removed whole when the job settles. */
const jobDir = (dataDir: string, jobId: string): string => path.join(dataDir, 'jobs', jobId);

/** Attempt 0 is the shard name from before shards carried the attempt (a chunk committed by an older build). */
export const shardFile = (dataDir: string, ref: ShardRef): string =>
  path.join(
    jobDir(dataDir, ref.jobId),
    ref.attempt === 0 ? `${ref.chunkIndex}.csv` : `${ref.chunkIndex}.${ref.attempt}.csv`,
  );

/**
 * Report shards as files in the data dir: the embedded shape, one node. Writes are positional
 * (pwrite at the shard's own length) and made durable by fdatasync on the thread pool before the chunk
 * commit, so a slow disk flush does not stall the event loop (DescribeJob p99).
 */
export function createFileShardStore(dataDir: string): ShardStore {
  return {
    async openWriter(ref, seed) {
      const file = shardFile(dataDir, ref);
      await fs.promises.mkdir(path.dirname(file), { recursive: true });
      if (seed.attempt !== ref.attempt)
        await seedFrom(shardFile(dataDir, { ...ref, attempt: seed.attempt }), file, seed);
      const fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT);
      // Rows past the committed prefix were never counted: the new attempt redoes their tasks.
      fs.ftruncateSync(fd, seed.bytes);
      return new FileShardWriter(fd, seed.bytes);
    },
    async *readCommitted(ref, bytes) {
      const file = shardFile(dataDir, ref);
      if (bytes <= 0 || !fs.existsSync(file)) return;
      const stream = fs.createReadStream(file, { highWaterMark: 65536, end: bytes - 1 });
      for await (const piece of stream) yield piece as Buffer;
    },
    async deleteJob(jobId) {
      await fs.promises.rm(jobDir(dataDir, jobId), { recursive: true, force: true });
    },
    async listJobs() {
      const root = path.join(dataDir, 'jobs');
      if (!fs.existsSync(root)) return [];
      return fs.promises.readdir(root);
    },
  };
}

/** Copies the committed prefix of the previous attempt's shard into the new one (a missing source: empty). */
async function seedFrom(source: string, target: string, seed: ShardSeed): Promise<void> {
  await fs.promises.rm(target, { force: true });
  if (seed.bytes <= 0) return;
  await fs.promises.copyFile(source, target);
}

class FileShardWriter implements ShardWriter {
  constructor(
    private readonly fd: number,
    private bytes: number,
  ) {}

  get size(): number {
    return this.bytes;
  }

  append(rows: Buffer): void {
    let off = 0;
    while (off < rows.length) off += fs.writeSync(this.fd, rows, off, rows.length - off, this.bytes + off);
    this.bytes += rows.length;
  }

  flush(): Promise<void> {
    return new Promise((resolve, reject) => fs.fdatasync(this.fd, (err) => (err ? reject(err) : resolve())));
  }

  close(): Promise<void> {
    fs.closeSync(this.fd);
    return Promise.resolve();
  }
}
