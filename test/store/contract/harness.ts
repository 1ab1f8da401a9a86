import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, it } from 'vitest';
import type { ManualClock } from '../../../src/protocol/clock.js';
import type { ObjectStore, PutObjectInput } from '../../../src/store/object-store.js';
import type { ObjectMeta } from '../../../src/store/types.js';

/** What an adapter under contract test provides. */
export interface StoreHarness {
  readonly store: ObjectStore;
  /** The clock the store was given (restore timing is driven by it). */
  readonly clock: ManualClock;
  /** The store's restore duration. */
  readonly restoreDurationMs: number;
  /** Closes the store and opens a new one over the same persisted state. */
  reopen(): Promise<ObjectStore>;
  /** Closes everything and removes the backing state. */
  dispose(): Promise<void>;
}

export type MakeStore = () => Promise<StoreHarness>;

/**
 * What an adapter's store can show. The built-in store shows everything; a remote store shows what its wire
 * carries (an unversioned S3 bucket has no version ids, a restore header has no tier, s3rver lacks
 * PutObjectAcl / DeleteObjectTagging / restore). A false capability leaves its assertions out for that
 * adapter only; the calls it lacks are proven on the wire instead (test/store/remote/*-wire.test.ts).
 */
export interface StoreCaps {
  /** Last-Modified follows the harness clock exactly. */
  readonly clockDriven: boolean;
  /** Every write gets a new version id; a version id that is not current fails NoSuchVersion. */
  readonly versionIds: boolean;
  /** PutObjectAcl works and 'default' / 'private' read back as written. */
  readonly objectAcl: boolean;
  readonly deleteTags: boolean;
  /** Archive classes and RestoreObject. */
  readonly restore: boolean;
  /** The restore state carries readyAt, days and tier (a restore header carries none of them). */
  readonly restoreDetail: boolean;
  /** Of several concurrent forbid-overwrite PUTs exactly one wins. */
  readonly atomicForbidOverwrite: boolean;
  /** Keys with `.` / `..` path segments are stored exactly (ali-oss folds them: InvalidObjectName instead). */
  readonly dotSegmentKeys: boolean;
  /** Tags and ACL given to PutObject / CopyObject are stored with the object. */
  readonly tagsOnWrite: boolean;
  /** Listing is in UTF-8 byte order and groups every common prefix (s3rver walks its file system). */
  readonly byteOrderListing: boolean;
  /** 1023-byte keys (s3rver maps a key to a file name: ENAMETOOLONG). */
  readonly longKeys: boolean;
  /** Multipart uploads: Initiate, UploadPart, ListParts, Complete, Abort, ListMultipartUploads. */
  readonly multipart: boolean;
  /** Versioning: versions and delete markers kept, named versions read, changed and deleted. */
  readonly versioning: boolean;
  /** Bucket tags, CORS rules and inventory configurations (a remote store: the Backend's bucket catalog). */
  readonly bucketConfig: boolean;
  /** seedObjects writes metadata only (empty ETag whatever the size). */
  readonly metadataOnlySeed: boolean;
}

export const ALL_CAPS: StoreCaps = {
  clockDriven: true,
  versionIds: true,
  objectAcl: true,
  deleteTags: true,
  restore: true,
  restoreDetail: true,
  atomicForbidOverwrite: true,
  metadataOnlySeed: true,
  dotSegmentKeys: true,
  tagsOnWrite: true,
  byteOrderListing: true,
  longKeys: true,
  multipart: true,
  versioning: true,
  bucketConfig: true,
};

/** `it` when the adapter has the capability; otherwise the test is not registered for that adapter. */
export const itIf = (cond: boolean): typeof it => (cond ? it : ((() => undefined) as unknown as typeof it));

/** Gives each test a fresh harness; `ctx.h` is valid inside tests. */
export function useHarness(makeStore: MakeStore): { h: StoreHarness } {
  const ctx = {} as { h: StoreHarness };
  beforeEach(async () => {
    ctx.h = await makeStore();
  });
  afterEach(async () => {
    await ctx.h.dispose();
  });
  return ctx;
}

export const OWNER = '1234567890';

export async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(parts);
}

export const md5Hex = (b: Buffer | string): string => createHash('md5').update(b).digest('hex').toUpperCase();
export const md5B64 = (b: Buffer | string): string => createHash('md5').update(b).digest('base64');

/** A body delivered in several chunks, like a chunked HTTP request. */
export function chunked(data: Buffer, pieces = 3): Readable {
  const size = Math.ceil(data.length / pieces) || 1;
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) parts.push(data.subarray(i, i + size));
  return Readable.from(parts);
}

export async function putText(
  store: ObjectStore,
  bucket: string,
  key: string,
  text: string,
  extra: Partial<PutObjectInput> = {},
): Promise<ObjectMeta> {
  return store.putObject({ bucket, key, body: Readable.from([Buffer.from(text)]), ...extra });
}

export async function mkBucket(store: ObjectStore, name = 'bkt'): Promise<string> {
  await store.createBucket({ name, owner: OWNER, acl: 'private', storageClass: 'Standard' });
  return name;
}

/** Expects `p` to reject with an OssError of `code` and returns it. */
export async function ossCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
  return 'no error';
}
