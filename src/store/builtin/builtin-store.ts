import type { Readable } from 'node:stream';
import type { SqliteDb } from '../../db/sqlite/open.js';
import { WalCheckpointer, type WalCheckpointerOptions } from '../../db/sqlite/wal-checkpointer.js';
import type { Clock } from '../../protocol/clock.js';
import { OssError } from '../../protocol/oss-error.js';
import type {
  ChangeResult,
  CopyObjectInput,
  ListObjectsInput,
  ListObjectsPage,
  ObjectChange,
  ObjectStore,
  PutObjectInput,
  SeedObject,
} from '../object-store.js';
import type {
  BucketAcl,
  BucketInfo,
  ObjectAcl,
  ObjectMeta,
  RestoreTier,
  StorageClass,
  Tag,
} from '../types.js';
import { BlobFiles, MAX_OBJECT_SIZE } from './blob-files.js';
import type { DiskFaults } from './disk-faults.js';
import { BucketOps } from './bucket-ops.js';
import { BulkOps } from './bulk-ops.js';
import { settle } from './object-input.js';
import type { NewObject } from './object-input.js';
import { ChangeApplier } from './change-applier.js';
import { listPage } from './listing.js';
import { TIER_LOWERED_EC } from './restore.js';
import type { ObjectRow } from './rows.js';
import { rowToMeta } from './rows.js';
import { ObjectMetaCache } from './object-meta-cache.js';
import { objectRowFromArray, prepareStatements } from './statements.js';
import type { Statements } from './statements.js';
import { Versions } from './versions.js';
import { VersionedOps } from './versioned-ops.js';
import type { VersioningStatus } from '../types.js';
import type { DeleteOutcome, ListVersionsInput, ListVersionsPage, VersionLookup } from '../versioning.js';
import { BucketConfigOps } from './bucket-config-ops.js';
import { BuiltinExtras } from './builtin-extras.js';
import { MultipartOps, type MultipartDeps } from './multipart-ops.js';
import { prepareMultipartStatements } from './multipart-sql.js';
import { ObjectWrites } from './object-writes.js';

export interface BuiltinStoreOptions {
  db: SqliteDb;
  dataDir: string;
  clock: Clock;
  region: string;
  restoreDurationMs: number;
  /** Largest accepted body in bytes; default 5 GiB (OSS's PutObject limit). Tests lower it. */
  maxObjectSize?: number;
  /** New object bytes are refused (507 InsufficientStorage) below this much free space; default 0 (off). */
  minFreeBytes?: number;
  /** Test seam only (disk-faults.ts): a simulated full disk, for machines that cannot mount a small tmpfs. */
  diskFaults?: DiskFaults;
  /**
   * false: the WAL is checkpointed inline only, inside the committing statement, as SQLite does by itself.
   * The raw store baseline (bench/store-baseline.ts) runs so; the server checkpoints the engine's bulk
   * writes on a thread (db/sqlite/wal-checkpointer.ts). Off as well under diskFaults (a test seam).
   */
  walCheckpointThread?: boolean | WalCheckpointerOptions;
}

/** The built-in adapter: metadata in SQLite (WAL), bytes in files under `<dataDir>/objects/`. */
export class BuiltinStore extends BuiltinExtras implements ObjectStore {
  /** Listings come from the metadata rows: tags and ACL included. */
  readonly listingDetail = 'full';
  private readonly st: Statements;
  private readonly files: BlobFiles;
  private readonly applier: ChangeApplier;
  private readonly buckets: BucketOps;
  private readonly bulk: BulkOps;
  private readonly versions: Versions;
  private readonly versioned: VersionedOps;
  private readonly writes: ObjectWrites;
  protected override readonly mpDeps: MultipartDeps;
  protected override readonly mpOps: MultipartOps;
  protected override readonly configOps: BucketConfigOps;
  /** Which file backs a meta this store handed out, so readObject needs no extra query. */
  private readonly fileOf = new WeakMap<ObjectMeta, string | null>();
  private readonly metaCache: ObjectMetaCache;
  private readonly checkpointer: WalCheckpointer | undefined;

  constructor(private readonly opts: BuiltinStoreOptions) {
    super(opts.db);
    this.st = prepareStatements(opts.db);
    const { totalChanges, dataVersion } = this.st;
    this.metaCache = new ObjectMetaCache({
      totalChanges: () => (totalChanges.get() as [number])[0],
      dataVersion: () => (dataVersion.get() as [number])[0],
    });
    this.files = new BlobFiles(
      opts.dataDir,
      opts.maxObjectSize ?? MAX_OBJECT_SIZE,
      opts.minFreeBytes ?? 0,
      opts.diskFaults,
    );
    this.versions = new Versions(opts.db);
    this.applier = new ChangeApplier(this.st, opts.restoreDurationMs, this.versions);
    const thread = opts.walCheckpointThread;
    this.checkpointer =
      thread === false || opts.diskFaults
        ? undefined
        : new WalCheckpointer(opts.db, typeof thread === 'object' ? thread : {});
    this.bulk = new BulkOps(opts.db, this.st, opts.clock, this.applier, this.checkpointer);
    this.buckets = new BucketOps(this.st, opts.clock, opts.region);
    const st = prepareMultipartStatements(opts.db);
    this.mpDeps = {
      db: opts.db,
      st,
      files: this.files,
      clock: opts.clock,
      buckets: this.buckets,
      readObject: (meta, range) => this.readObject(meta, range),
    };
    this.mpOps = new MultipartOps(this.mpDeps);
    this.configOps = new BucketConfigOps(st, this.buckets);

    this.versioned = new VersionedOps(opts.db, this.versions, this.buckets, this.files, opts.clock, (row) =>
      this.toMeta(row),
    );
    this.writes = new ObjectWrites({
      db: opts.db,
      st: this.st,
      files: this.files,
      buckets: this.buckets,
      versions: this.versions,
      versioned: this.versioned,
      clock: opts.clock,
      toMeta: (row) => this.toMeta(row),
    });
  }

  async init(): Promise<void> {
    // Part files and noncurrent versions' files live beside object files: a file any row names is not garbage.
    await this.files.init(
      (file) =>
        this.st.fileReferenced.get(file) !== undefined ||
        this.versions.fileReferenced(file) ||
        this.mpDeps.st.partFileReferenced.get(file) !== undefined,
    );
  }

  // ---- buckets
  createBucket(input: {
    name: string;
    owner: string;
    acl: BucketAcl;
    storageClass: StorageClass;
  }): Promise<BucketInfo> {
    return settle(() => this.buckets.create(input));
  }
  getBucket(name: string): Promise<BucketInfo | undefined> {
    return settle(() => this.buckets.get(name));
  }
  listBuckets(owner: string): Promise<BucketInfo[]> {
    return settle(() => this.buckets.list(owner));
  }
  setBucketAcl(name: string, acl: BucketAcl): Promise<void> {
    return settle(() => this.buckets.setAcl(name, acl));
  }
  setBucketPolicy(name: string, policy: string | null): Promise<void> {
    return settle(() => this.buckets.setPolicy(name, policy));
  }
  deleteBucket(name: string): Promise<void> {
    return settle(() =>
      this.opts.db
        .transaction(() => {
          // OSS refuses to delete a bucket with unfinished multipart uploads, as with objects.
          if (this.buckets.get(name) && this.mpDeps.st.anyUpload.get(name) !== undefined)
            throw new OssError('BucketNotEmpty', undefined, { details: { BucketName: name } });
          // Noncurrent versions and delete markers keep a bucket non-empty too.
          if (this.versions.hasAny(name))
            throw new OssError('BucketNotEmpty', undefined, { details: { BucketName: name } });
          this.buckets.delete(name);
          this.configOps.dropAll(name);
          this.inventories.deleteBucket(name);
        })
        .immediate(),
    );
  }

  // ---- versioning (versioned-ops.ts)
  setBucketVersioning(name: string, status: VersioningStatus): Promise<void> {
    return settle(() => this.versioned.setStatus(name, status));
  }
  headVersion(bucket: string, key: string, versionId: string | undefined): Promise<VersionLookup> {
    return settle(() => this.versioned.head(bucket, key, versionId));
  }
  deleteVersion(bucket: string, key: string, versionId: string | undefined): Promise<DeleteOutcome> {
    return this.versioned.delete(bucket, key, versionId);
  }
  listObjectVersions(input: ListVersionsInput): Promise<ListVersionsPage> {
    return settle(() => this.versioned.list(input));
  }

  // ---- objects
  putObject(input: PutObjectInput): Promise<ObjectMeta> {
    return this.writes.put(input);
  }

  headObject(bucket: string, key: string): Promise<ObjectMeta | undefined> {
    return settle(() => {
      // Object first: on the hot path (every object request's auth) the object usually exists, so the
      // bucket check is only paid on a miss, to tell NoSuchBucket from NoSuchKey (one query instead of two).
      const cached = this.metaCache.get(bucket, key);
      if (cached !== undefined) return cached;
      const raw = this.st.getObjectRaw.get(bucket, key) as unknown[] | undefined;
      if (raw) {
        const row = objectRowFromArray(raw);
        return this.metaCache.set(bucket, key, this.toMeta(row), storedTextLength(row));
      }
      this.buckets.require(bucket);
      return undefined;
    });
  }

  readObject(meta: ObjectMeta, range?: { start: number; end: number }): Readable {
    return this.files.open(this.fileBehind(meta), meta.size, range);
  }

  scanObject(meta: ObjectMeta, range?: { start: number; end: number }): AsyncIterable<Buffer> {
    return this.files.scan(this.fileBehind(meta), meta.size, range);
  }

  readObjectBytes(meta: ObjectMeta, range?: { start: number; end: number }): Promise<Buffer | undefined> {
    return this.files.readSmall(this.fileBehind(meta), meta.size, range);
  }

  copyObject(input: CopyObjectInput): Promise<ObjectMeta> {
    return this.writes.copy(input);
  }

  listObjects(input: ListObjectsInput): Promise<ListObjectsPage> {
    return settle(() => {
      this.buckets.require(input.bucket);
      return listPage(this.st, input, (row) => this.toMeta(row));
    });
  }

  // ---- single-object metadata changes
  putObjectTags(bucket: string, key: string, tags: readonly Tag[], versionId?: string): Promise<void> {
    return this.applyOne({ bucket, key, versionId, op: { kind: 'putTags', tags } }).then(() => undefined);
  }
  deleteObjectTags(bucket: string, key: string, versionId?: string): Promise<void> {
    return this.applyOne({ bucket, key, versionId, op: { kind: 'deleteTags' } }).then(() => undefined);
  }
  putObjectAcl(bucket: string, key: string, acl: ObjectAcl, versionId?: string): Promise<void> {
    return this.applyOne({ bucket, key, versionId, op: { kind: 'putAcl', acl } }).then(() => undefined);
  }
  async restoreObject(
    bucket: string,
    key: string,
    days: number,
    tier: RestoreTier | undefined,
    versionId?: string,
  ): Promise<'accepted' | 'extended'> {
    const outcome = await this.applyOne({ bucket, key, versionId, op: { kind: 'restore', days, tier } });
    if (outcome === 'in-progress') throw new OssError('RestoreAlreadyInProgress');
    if (outcome === 'tier-lowered') {
      throw new OssError(
        'InvalidArgument',
        'The restore of this object is in progress with a faster tier; a running restore can only be given a faster tier.',
        { ec: TIER_LOWERED_EC },
      );
    }
    return outcome ?? 'accepted';
  }

  // ---- bulk paths
  applyBatch(changes: readonly ObjectChange[]): Promise<ChangeResult[]> {
    // While the WAL is due to restart, the engine's writes wait for the checkpoint thread (RESTART_WAL_AT_FRAMES).
    const pause = this.checkpointer?.beforeBulkWrite();
    if (pause) return pause.then(() => this.bulk.applyBatch(changes));
    return settle(() => this.bulk.applyBatch(changes));
  }

  seedObjects(bucket: string, objects: readonly SeedObject[]): Promise<void> {
    this.checkpointer?.restoreInline();
    return settle(() => this.bulk.seed(bucket, this.buckets.require(bucket).storageClass, objects));
  }

  /** Stops the checkpoint thread; the database handle belongs to the caller, files are closed per request. */
  async close(): Promise<void> {
    await this.checkpointer?.close();
  }

  // ---- helpers
  private fileBehind(meta: ObjectMeta): string | null {
    const file = this.fileOf.get(meta);
    if (file !== undefined) return file;
    const row = this.st.getFile.get(meta.bucket, meta.key) as { file: string | null } | undefined;
    return row?.file ?? null;
  }

  private toMeta(row: ObjectRow): ObjectMeta {
    const meta = rowToMeta(row);
    this.fileOf.set(meta, row.file);
    return meta;
  }

  private applyOne(
    change: ObjectChange,
  ): Promise<'accepted' | 'extended' | 'in-progress' | 'tier-lowered' | undefined> {
    return settle(() => {
      const now = this.opts.clock.now();
      const outcome = this.opts.db.transaction(() => this.applier.apply(change, now)).immediate();
      if (!outcome.ok) throw outcome.error;
      return outcome.restore;
    });
  }

  /** Writes the row and removes the files nothing references any more (object-writes.ts). */
  protected override commitObject(o: NewObject): Promise<ObjectMeta> {
    return this.writes.commit(o);
  }
}

/** The characters of a row's variable-length text, what its meta's size grows with. */
function storedTextLength(row: ObjectRow): number {
  return (
    row.key.length +
    row.content_type.length +
    (row.user_meta?.length ?? 0) +
    (row.http_headers?.length ?? 0) +
    (row.tags?.length ?? 0)
  );
}
