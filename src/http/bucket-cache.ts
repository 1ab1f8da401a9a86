import type { ObjectStore } from '../store/object-store.js';
import type { BucketInfo } from '../store/types.js';

/** Entries are dropped wholesale beyond this many buckets (a bound, not an LRU: real deployments have few). */
const MAX_ENTRIES = 10_000;

/**
 * Bucket metadata (owner, ACL, policy) for authorisation, cached for `ttlMs`: every bucket- and object-level
 * request needs it, and a SQLite point read costs ~7–17 µs of the ~200 µs budget per request (bench/api.ts).
 * This process's own bucket changes invalidate at once (the handlers call invalidate()); changes by another
 * process sharing the database show within `ttlMs`. Missing buckets are never cached, so a bucket created
 * behind the cache's back is seen immediately. The TTL uses the monotonic timer, not the injected domain
 * clock: it is a freshness bound, and a test's frozen ManualClock must not make entries immortal.
 */
export class BucketCache {
  private readonly entries = new Map<string, { info: BucketInfo; expiresAt: number }>();

  constructor(
    private readonly store: ObjectStore,
    private readonly ttlMs = 1000,
  ) {}

  async get(name: string): Promise<BucketInfo | undefined> {
    const now = performance.now();
    const hit = this.entries.get(name);
    if (hit !== undefined && hit.expiresAt > now) return hit.info;
    const info = await this.store.getBucket(name);
    if (info === undefined) {
      this.entries.delete(name);
      return undefined;
    }
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(name, { info, expiresAt: now + this.ttlMs });
    return info;
  }

  invalidate(name: string): void {
    this.entries.delete(name);
  }
}
