import type { BucketStat, CorsConfiguration } from '../bucket-config-store.js';
import type { Tag } from '../types.js';
import type { BucketOps } from './bucket-ops.js';
import type { MultipartStatements } from './multipart-sql.js';
import { decodeTags, encodeTags } from './tags.js';

/** Bucket configuration documents (tags, CORS) and GetBucketStat's counts; all synchronous SQLite. */
export class BucketConfigOps {
  constructor(
    private readonly st: MultipartStatements,
    private readonly buckets: BucketOps,
  ) {}

  private get(bucket: string, name: string): string | undefined {
    this.buckets.require(bucket);
    const row = this.st.getConfig.get(bucket, name) as { value: string } | undefined;
    return row?.value;
  }

  private set(bucket: string, name: string, value: string | null): void {
    this.buckets.require(bucket);
    if (value === null) this.st.deleteConfig.run(bucket, name);
    else this.st.setConfig.run(bucket, name, value);
  }

  getTags(bucket: string): Tag[] {
    return decodeTags(this.get(bucket, 'tags') ?? null);
  }

  putTags(bucket: string, tags: readonly Tag[]): void {
    this.set(bucket, 'tags', encodeTags(tags));
  }

  getCors(bucket: string): CorsConfiguration | undefined {
    const text = this.get(bucket, 'cors');
    return text === undefined ? undefined : (JSON.parse(text) as CorsConfiguration);
  }

  putCors(bucket: string, cors: CorsConfiguration | undefined): void {
    this.set(bucket, 'cors', cors === undefined ? null : JSON.stringify(cors));
  }

  /** Called inside DeleteBucket's transaction: a bucket's documents go with it. */
  dropAll(bucket: string): void {
    this.st.deleteAllConfig.run(bucket);
  }

  stat(bucket: string): BucketStat {
    this.buckets.require(bucket);
    const rows = this.st.objectStats.all(bucket) as {
      storage_class: string;
      n: number;
      bytes: number;
      newest: number;
    }[];
    const storageByClass: Record<string, number> = {};
    const objectsByClass: Record<string, number> = {};
    let storage = 0;
    let objectCount = 0;
    let lastModified = 0;
    for (const r of rows) {
      storageByClass[r.storage_class] = r.bytes;
      objectsByClass[r.storage_class] = r.n;
      storage += r.bytes;
      objectCount += r.n;
      lastModified = Math.max(lastModified, r.newest);
    }
    const counts = this.st.countUploads.get(bucket, bucket) as { uploads: number; parts: number };
    return {
      storage,
      objectCount,
      multipartUploadCount: counts.uploads,
      multipartPartCount: counts.parts,
      storageByClass,
      objectsByClass,
      lastModified,
    };
  }
}
