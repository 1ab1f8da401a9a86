import type { ObjectMeta } from './types.js';

/** What `headVersion` found. Delete markers have no data: GET/HEAD answer 404 with `x-oss-delete-marker`. */
export type VersionLookup =
  | { readonly kind: 'object'; readonly meta: ObjectMeta; readonly isLatest: boolean }
  | {
      readonly kind: 'delete-marker';
      /** Internal id (wireVersionId for the client). */
      readonly versionId: string;
      readonly lastModified: number;
      readonly isLatest: boolean;
    }
  /** The key has versions, but not the one asked for. */
  | { readonly kind: 'no-such-version' }
  /** Nothing under this key (and, without versionId, no delete marker either). */
  | { readonly kind: 'no-such-key' };

export interface DeleteOutcome {
  /** Wire-form id of the delete marker created, or of the version removed; undefined when unversioned. */
  readonly versionId?: string | undefined;
  /** A delete marker was created, or the version removed was one. */
  readonly deleteMarker: boolean;
}

export interface ListVersionsInput {
  bucket: string;
  prefix?: string | undefined;
  delimiter?: string | undefined;
  keyMarker?: string | undefined;
  /** Wire form; only with keyMarker. */
  versionIdMarker?: string | undefined;
  /** 1..1000 */
  maxKeys: number;
}

export type VersionEntry =
  | { readonly kind: 'version'; readonly meta: ObjectMeta; readonly isLatest: boolean }
  | {
      readonly kind: 'delete-marker';
      readonly key: string;
      readonly versionId: string;
      readonly lastModified: number;
      readonly isLatest: boolean;
    };

export interface ListVersionsPage {
  /** Versions and delete markers in (key ascending, newest first) order. */
  entries: VersionEntry[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** When truncated: resume with key-marker = nextKeyMarker, version-id-marker = nextVersionIdMarker. */
  nextKeyMarker?: string;
  nextVersionIdMarker?: string;
}
