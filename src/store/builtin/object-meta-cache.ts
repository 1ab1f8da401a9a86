import type { ObjectMeta } from '../types.js';

/**
 * The metadata of objects read since the database last changed, for `headObject`: the read every object
 * request makes before its authorisation (issue 10). In the server that read costs ~8 µs of a presigned
 * GET's ~60 (the row's SQLite point read with its two WAL-lock fcntl calls, then the row's decode).
 * `npm run bench:http` against the build without it, three runs: CPU per request presigned GET 59–61 →
 * 49–54 µs, HeadObject 55–56 → 41–46, GetObjectTagging 54–58 → 39–48 (docs/performance.md, tenth pass).
 *
 * Valid by construction, not by invalidation rules: the whole cache is dropped whenever the connection's
 * `total_changes()` moved, i.e. after any row that connection inserted, updated or deleted in any table
 * (rolled-back changes count too, which only drops it more often). Checking costs one statement that
 * touches no table (~0.06 µs, no lock). Only this connection writes the store's rows: the server holds the
 * data directory's lock (db/sqlite/data-dir-lock.ts), and the other connections to the file (the WAL
 * checkpoint thread, `ossbatch ram`) never write them. So a write path added later needs nothing here.
 *
 * The metas handed out are shared between requests: they are frozen, so a caller that mutated one would
 * throw instead of changing another request's answer (ObjectMeta is readonly in its type as well).
 */
export class ObjectMetaCache {
  private readonly entries = new Map<string, ObjectMeta>();
  private seenChanges = -1;

  /**
   * `totalChanges`: the connection's `SELECT total_changes()`. `capacity`: 4096 metas, ~2–4 MB — a hot
   * set for request bursts; past it the oldest goes first.
   */
  constructor(
    private readonly totalChanges: () => number,
    private readonly capacity = 4096,
  ) {}

  /** The cached meta, when the database has not changed since it was read. */
  get(bucket: string, key: string): ObjectMeta | undefined {
    const changes = this.totalChanges();
    if (changes !== this.seenChanges) {
      this.entries.clear();
      this.seenChanges = changes;
      return undefined;
    }
    // A bucket name holds no '/' (3–63 of [a-z0-9-]), so bucket + '/' + key names one object.
    return this.entries.get(`${bucket}/${key}`);
  }

  /** Keeps `meta`, read just now (after `get` missed, with nothing written in between), and freezes it. */
  set(bucket: string, key: string, meta: ObjectMeta): ObjectMeta {
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(`${bucket}/${key}`, deepFreeze(meta));
    return meta;
  }
}

function deepFreeze(meta: ObjectMeta): ObjectMeta {
  Object.freeze(meta.userMeta);
  Object.freeze(meta.httpHeaders);
  for (const tag of meta.tags) Object.freeze(tag);
  Object.freeze(meta.tags);
  if (meta.restore !== null) Object.freeze(meta.restore);
  return Object.freeze(meta);
}
