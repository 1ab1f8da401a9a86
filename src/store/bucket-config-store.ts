import type { Tag } from './types.js';

/** One CORS rule as PutBucketCors takes it (OSS `<CORSRule>`). */
export interface CorsRule {
  readonly allowedOrigins: readonly string[];
  readonly allowedMethods: readonly string[];
  readonly allowedHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  /** Seconds; undefined when not given. */
  readonly maxAgeSeconds?: number | undefined;
}

export interface CorsConfiguration {
  readonly rules: readonly CorsRule[];
  /** `<ResponseVary>`: send `Vary: Origin` on CORS responses. */
  readonly responseVary: boolean;
}

/** What GetBucketStat reports, counted from the store. */
export interface BucketStat {
  readonly storage: number;
  readonly objectCount: number;
  readonly multipartUploadCount: number;
  readonly multipartPartCount: number;
  /** Bytes per storage class. */
  readonly storageByClass: Readonly<Record<string, number>>;
  readonly objectsByClass: Readonly<Record<string, number>>;
  /** ms since epoch of the newest object change, 0 when the bucket is empty. */
  readonly lastModified: number;
}

/**
 * Per-bucket configuration documents (issue 9, bucket basics): tagging and CORS, plus GetBucketStat's counts.
 * Part of the ObjectStore port; every method throws NoSuchBucket for a missing bucket.
 */
export interface BucketConfigStore {
  getBucketTags(bucket: string): Promise<readonly Tag[]>;
  /** An empty list removes the tags. */
  putBucketTags(bucket: string, tags: readonly Tag[]): Promise<void>;
  /** undefined when no CORS configuration is set. */
  getBucketCors(bucket: string): Promise<CorsConfiguration | undefined>;
  /** undefined deletes the configuration. */
  putBucketCors(bucket: string, cors: CorsConfiguration | undefined): Promise<void>;
  getBucketStat(bucket: string): Promise<BucketStat>;
}
