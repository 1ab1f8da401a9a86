import type { SqliteDb } from '../../db/sqlite/open.js';
import type { Clock } from '../../protocol/clock.js';
import { noSuchBucket } from '../../protocol/oss-error.js';
import { isStorageExhausted } from '../storage-full.js';
import type { ObjectMeta, VersioningStatus } from '../types.js';
import type { DeleteOutcome, ListVersionsInput, ListVersionsPage, VersionLookup } from '../versioning.js';
import type { BlobFiles } from './blob-files.js';
import type { BucketOps } from './bucket-ops.js';
import type { ObjectRow } from './rows.js';
import type { Versions } from './versions.js';
import { listVersionsPage } from './versions-listing.js';

/** The versioning half of the built-in store: bucket status, version lookups, versioned deletes, listing. */
export class VersionedOps {
  constructor(
    private readonly db: SqliteDb,
    private readonly versions: Versions,
    private readonly buckets: BucketOps,
    private readonly files: BlobFiles,
    private readonly clock: Clock,
    private readonly toMeta: (row: ObjectRow) => ObjectMeta,
  ) {}

  setStatus(bucket: string, status: VersioningStatus): void {
    if (!this.versions.setStatus(bucket, status)) throw noSuchBucket(bucket);
  }

  head(bucket: string, key: string, versionId: string | undefined): VersionLookup {
    const found = this.versions.find(bucket, key, versionId);
    if (typeof found === 'string') {
      this.buckets.require(bucket);
      return { kind: found };
    }
    if (found.deleteMarker) {
      return {
        kind: 'delete-marker',
        versionId: found.row.version_id,
        lastModified: found.row.last_modified,
        isLatest: found.isLatest,
      };
    }
    return { kind: 'object', meta: this.toMeta(found.row), isLatest: found.isLatest };
  }

  /** The source row of a CopyObject from a version; undefined when it is missing or a delete marker. */
  sourceRow(bucket: string, key: string, versionId: string): ObjectRow | undefined {
    const found = this.versions.find(bucket, key, versionId);
    return typeof found === 'string' || found.deleteMarker ? undefined : found.row;
  }

  /** One transaction; unreferenced files are removed after it commits (a crash leaves orphans, never holes). */
  async delete(bucket: string, key: string, versionId: string | undefined): Promise<DeleteOutcome> {
    const now = this.clock.now();
    const remove = this.db.transaction(() => {
      const info = this.buckets.require(bucket);
      if (versionId !== undefined) return this.versions.deleteOne(bucket, key, versionId);
      if (info.versioning !== undefined) return this.versions.deleteLatest(bucket, key, info.versioning, now);
      // Never-versioned bucket, plain delete: only the current row exists; it goes (two statements, as before).
      return { outcome: { deleteMarker: false }, garbage: this.versions.dropCurrent(bucket, key) };
    });
    let done: { outcome: DeleteOutcome; garbage: (string | null)[] };
    try {
      done = remove.immediate();
    } catch (e) {
      // Deletes must work on a full disk (issue 12): free the reserve so SQLite can grow its WAL, retry once.
      if (!isStorageExhausted(e) || !this.files.reserve.release()) throw e;
      done = remove.immediate();
    }
    const { outcome, garbage } = done;
    for (const file of garbage) await this.files.remove(file);
    return outcome;
  }

  list(input: ListVersionsInput): ListVersionsPage {
    this.buckets.require(input.bucket);
    return listVersionsPage(this.versions, input, this.toMeta);
  }
}
