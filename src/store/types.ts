/** Values shared by the object store port and everything that uses it. */

export const STORAGE_CLASSES = ['Standard', 'IA', 'Archive', 'ColdArchive', 'DeepColdArchive'] as const;
export type StorageClass = (typeof STORAGE_CLASSES)[number];
export const ARCHIVE_CLASSES: ReadonlySet<StorageClass> = new Set([
  'Archive',
  'ColdArchive',
  'DeepColdArchive',
]);

export const BUCKET_ACLS = ['private', 'public-read', 'public-read-write'] as const;
export type BucketAcl = (typeof BUCKET_ACLS)[number];

export const OBJECT_ACLS = ['default', 'private', 'public-read', 'public-read-write'] as const;
export type ObjectAcl = (typeof OBJECT_ACLS)[number];

export const RESTORE_TIERS = ['Expedited', 'Standard', 'Bulk'] as const;
export type RestoreTier = (typeof RESTORE_TIERS)[number];

export interface Tag {
  readonly key: string;
  readonly value: string;
}

export interface BucketInfo {
  readonly name: string;
  /** Account id of the owner. */
  readonly owner: string;
  readonly acl: BucketAcl;
  readonly storageClass: StorageClass;
  readonly region: string;
  /** ms since epoch */
  readonly createdAt: number;
  /** Bucket policy JSON text, when one is set. */
  readonly policy: string | null;
  /** Versioning status; undefined when versioning was never enabled (OSS then reports no Status). */
  readonly versioning?: VersioningStatus | undefined;
}

export const VERSIONING_STATUSES = ['Enabled', 'Suspended'] as const;
export type VersioningStatus = (typeof VERSIONING_STATUSES)[number];

export interface RestoreState {
  /** ms since epoch when the restore finishes (object becomes readable). */
  readonly readyAt: number;
  /** ms since epoch when the restored copy expires (object frozen again). */
  readonly expiresAt: number;
  readonly days: number;
  readonly tier: RestoreTier;
}

export interface ObjectMeta {
  readonly bucket: string;
  readonly key: string;
  /**
   * Stable id of this object version (internal form: see store/version-ids.ts; `wireVersionId` gives the
   * client's form). A manifest row naming a version that does not exist fails NoSuchVersion.
   */
  readonly versionId: string;
  readonly size: number;
  /** Upper-case hex MD5, without quotes. */
  readonly etag: string;
  readonly contentType: string;
  /** ms since epoch */
  readonly lastModified: number;
  readonly storageClass: StorageClass;
  readonly acl: ObjectAcl;
  /** x-oss-meta-* without the prefix, names lower-cased. */
  readonly userMeta: Readonly<Record<string, string>>;
  /** Content-Disposition, Cache-Control, Content-Encoding, Expires, Content-Language as stored. */
  readonly httpHeaders: Readonly<Record<string, string>>;
  readonly tags: readonly Tag[];
  readonly restore: RestoreState | null;
}

/** Where a restore stands at time `now`. */
export type RestoreStatus = 'frozen' | 'restoring' | 'restored' | 'not-archived';
