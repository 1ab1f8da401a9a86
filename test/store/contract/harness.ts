import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, beforeEach } from 'vitest';
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
