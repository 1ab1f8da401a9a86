import type { ObjectStore } from '../../store/object-store.js';
import type { Iam } from '../../iam/types.js';
import type { Clock } from '../../protocol/clock.js';

/** One manifest entry: one object the job's operation applies to. */
export interface Task {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string | undefined;
}

/**
 * A slice of the manifest of ~chunkSize tasks. `source` is reader-specific and opaque to the engine
 * (CSV byte range, inventory data file + row range, prefix key range), serialised as JSON in the chunk row.
 */
export interface ChunkDescriptor {
  readonly index: number;
  /** Index of the chunk's first task in the whole manifest. */
  readonly firstTask: number;
  readonly taskCount: number;
  readonly source: string;
}

export interface ManifestDeps {
  readonly store: ObjectStore;
  readonly iam: Iam;
  readonly clock: Clock;
  readonly region: string;
}

/** Why a manifest cannot be used: the job fails with this FailureCode/FailureReason, the server does not. */
export class ManifestError extends Error {
  constructor(
    readonly failureCode: string,
    reason: string,
  ) {
    super(reason);
    this.name = 'ManifestError';
  }
}
