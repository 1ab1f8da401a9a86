import type { ObjectMeta } from '../types.js';

/**
 * The metadata of objects read since the database last changed, for `headObject`: the read every object
 * request makes before its authorisation (issue 10). In the server that read costs ~8 µs of a presigned
 * GET's ~60 (the row's SQLite point read with its two WAL-lock fcntl calls, then the row's decode).
 * `npm run bench:http` against the build without it: docs/performance.md, tenth pass.
 *
 * Valid by construction, not by invalidation rules: the whole cache is dropped whenever the database may
 * have changed since its entries were read. Two counters tell, read before each lookup:
 * - the store connection's `total_changes()`: every row it inserted, updated or deleted, in any table,
 *   committed or rolled back (0.06 µs, reads no table);
 * - `PRAGMA data_version`: moves when another connection committed (a migration run by a newer build's
 *   `ossbatch ram`, a hand-run `sqlite3`; the server's own writers all use the store's connection). It
 *   opens a read transaction, 0–5 µs per request in `bench:http` (docs/performance.md, tenth pass), so it
 *   is read at most once per millisecond: another connection's commit is seen within 1 ms, as if the
 *   requests of that millisecond had come just before it. Under load that is one read per ~20 requests.
 * So no write path (PutObject, copy, multipart, versions, tags, ACL, restore, the engine's batches, seeding)
 * needs an invalidation rule, and none added later will. Nothing in a meta depends on when it is read
 * (restore times are absolute).
 *
 * The metas handed out are shared between requests: they are frozen, so a caller that mutated one would
 * throw instead of changing another request's answer (ObjectMeta is readonly in its type as well).
 */
export class ObjectMetaCache {
  private readonly entries = new Map<string, { readonly meta: ObjectMeta; readonly bytes: number }>();
  private bytes = 0;
  private seenChanges = -1;
  private seenVersion = -1;
  /** When data_version was last read (performance.now() ms); -Infinity: never. */
  private versionReadAt = Number.NEGATIVE_INFINITY;

  /**
   * `budgetBytes`: 4 MiB of estimated metas: ~6,000 plain ones (4.8 MB of heap held after 12,000 reads,
   * measured with `--expose-gc`), or ~100 with 14 KB of user metadata (estimated at ~40 KB each; 2.3 MB
   * held). Past it, the first cached goes first (a hit does not refresh an entry).
   */
  constructor(
    private readonly counters: { totalChanges(): number; dataVersion(): number },
    private readonly budgetBytes = 4 * 1024 * 1024,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The cached meta, when the database has not changed since it was read. */
  get(bucket: string, key: string): ObjectMeta | undefined {
    const changes = this.counters.totalChanges();
    let version = this.seenVersion;
    const now = this.now();
    if (now - this.versionReadAt >= VERSION_READ_EVERY_MS) {
      version = this.counters.dataVersion();
      this.versionReadAt = now;
    }
    if (changes !== this.seenChanges || version !== this.seenVersion) {
      this.entries.clear();
      this.bytes = 0;
      this.seenChanges = changes;
      this.seenVersion = version;
      return undefined;
    }
    return this.entries.get(entryKey(bucket, key))?.meta;
  }

  /**
   * Keeps `meta`, read just now (after `get` missed, with nothing written in between), and freezes it.
   * `textBytes`: the length of its stored text (key, user metadata, headers, tags), for the budget.
   */
  set(bucket: string, key: string, meta: ObjectMeta, textBytes: number): ObjectMeta {
    // V8 keeps a decoded string in up to 2 bytes per character; ~600 B for the objects around them (a
    // plain meta, ~60 characters of text, held ~730 B).
    const bytes = 2 * textBytes + 600;
    if (bytes > this.budgetBytes) return meta;
    const k = entryKey(bucket, key);
    const existing = this.entries.get(k);
    if (existing !== undefined) {
      this.entries.delete(k);
      this.bytes -= existing.bytes;
    }
    for (const [oldest, entry] of this.entries) {
      if (this.bytes + bytes <= this.budgetBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.bytes;
    }
    this.entries.set(k, { meta: deepFreeze(meta), bytes });
    this.bytes += bytes;
    return meta;
  }
}

/** Another connection's commit is seen within this many ms (see the class comment). */
const VERSION_READ_EVERY_MS = 1;

/** The bucket's length first: no (bucket, key) pair can spell another's, whatever the bucket holds. */
const entryKey = (bucket: string, key: string): string => `${bucket.length}:${bucket}/${key}`;

function deepFreeze(meta: ObjectMeta): ObjectMeta {
  Object.freeze(meta.userMeta);
  Object.freeze(meta.httpHeaders);
  for (const tag of meta.tags) Object.freeze(tag);
  Object.freeze(meta.tags);
  if (meta.restore !== null) Object.freeze(meta.restore);
  return Object.freeze(meta);
}
