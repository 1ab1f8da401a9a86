/** A bucket inventory configuration (OSS PutBucketInventory's `<InventoryConfiguration>`), validated. */

export const INVENTORY_FREQUENCIES = ['Daily', 'Weekly'] as const;
export type InventoryFrequency = (typeof INVENTORY_FREQUENCIES)[number];

export const INCLUDED_VERSIONS = ['All', 'Current'] as const;
export type IncludedVersions = (typeof INCLUDED_VERSIONS)[number];

/**
 * Optional fields this server can fill truthfully. OSS also offers Crc64, which the built-in store does not
 * keep; asking for it is refused rather than answered with made-up values.
 */
export const OPTIONAL_FIELDS = [
  'Size',
  'LastModifiedDate',
  'ETag',
  'StorageClass',
  'IsMultipartUploaded',
  'EncryptionStatus',
  'ObjectAcl',
  'TaggingCount',
  'ObjectType',
] as const;
export type OptionalField = (typeof OPTIONAL_FIELDS)[number];

export interface InventoryFilter {
  readonly prefix: string;
  /** Seconds since the epoch, inclusive bounds on Last-Modified. */
  readonly lastModifyBegin?: number | undefined;
  readonly lastModifyEnd?: number | undefined;
  /** Bytes; lower is inclusive-exclusive as OSS: size > lower, size < upper. */
  readonly lowerSizeBound?: number | undefined;
  readonly upperSizeBound?: number | undefined;
  readonly storageClasses?: readonly string[] | undefined;
}

export interface InventoryConfig {
  readonly id: string;
  readonly isEnabled: boolean;
  readonly filter: InventoryFilter;
  readonly destination: {
    readonly format: 'CSV';
    readonly accountId: string;
    readonly roleArn: string;
    /** The bucket name (the document's `acs:oss:::<name>`). */
    readonly bucket: string;
    readonly prefix: string;
    /** The `<Encryption>` element as sent, echoed back; this server writes unencrypted files. */
    readonly encryption?: 'SSE-OSS' | { readonly kmsKeyId: string } | undefined;
  };
  readonly frequency: InventoryFrequency;
  readonly includedVersions: IncludedVersions;
  readonly optionalFields: readonly OptionalField[];
}

/** A stored configuration with its schedule. */
export interface InventoryRecord {
  readonly bucket: string;
  readonly config: InventoryConfig;
  /** ms since epoch of the next scheduled run. */
  readonly nextRunAt: number;
}

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Scheduled runs: one per day or per week (OSS `Schedule/Frequency`). */
export const periodMs = (f: InventoryFrequency): number => (f === 'Daily' ? DAY_MS : 7 * DAY_MS);

/** OSS allows up to 1,000 inventory configurations per bucket. */
export const MAX_INVENTORIES_PER_BUCKET = 1000;
