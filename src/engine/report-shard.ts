import fs from 'node:fs';
import path from 'node:path';

/** Where a job's local report shards live: `<dataDir>/jobs/<jobId>/`. */
export const shardDir = (dataDir: string, jobId: string): string => path.join(dataDir, 'jobs', jobId);
export const shardPath = (dataDir: string, jobId: string, chunkIndex: number): string =>
  path.join(shardDir(dataDir, jobId), `${chunkIndex}.csv`);

/**
 * The report rows of one chunk, appended as tasks finish. Rows beyond the committed `shard_bytes` belong
 * to tasks whose progress was never committed: a resumed attempt truncates them away and redoes those
 * tasks, so every task appears exactly once. `sync()` runs before each commit (fsync, then the DB row).
 */
export class ReportShard {
  private bytes: number;

  private constructor(
    private readonly fd: number,
    committedBytes: number,
  ) {
    this.bytes = committedBytes;
  }

  static open(file: string, committedBytes: number): ReportShard {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT);
    fs.ftruncateSync(fd, committedBytes);
    return new ReportShard(fd, committedBytes);
  }

  get size(): number {
    return this.bytes;
  }

  append(text: string): void {
    if (text.length === 0) return;
    const buf = Buffer.from(text, 'utf8');
    let off = 0;
    while (off < buf.length) off += fs.writeSync(this.fd, buf, off, buf.length - off, this.bytes + off);
    this.bytes += buf.length;
  }

  /** fdatasync on the thread pool: a slow disk flush must not stall the event loop (DescribeJob p99). */
  sync(): Promise<void> {
    return new Promise((resolve, reject) => fs.fdatasync(this.fd, (err) => (err ? reject(err) : resolve())));
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
