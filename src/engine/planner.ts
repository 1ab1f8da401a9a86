import type { JobRecord } from '../jobs/model.js';
import type { ChunkRepo } from './chunk-repo.js';
import { planManifest } from './manifest/index.js';
import type { ChunkDescriptor, ManifestDeps } from './manifest/types.js';
import type { EngineMetrics } from './metrics.js';

/** Chunk rows are inserted this many per transaction while the manifest streams. */
export const INSERT_BATCH = 500;

/** Thrown out of the chunk callback to abandon planning (the job was cancelled meanwhile). */
export class PlanningAborted extends Error {
  constructor() {
    super('planning abandoned');
    this.name = 'PlanningAborted';
  }
}

/**
 * Streams the manifest once and stores its chunk descriptors (O(chunks) rows). A restarted planner first
 * deletes the chunk rows a crashed run left behind, in one transaction, so planning is all-or-nothing in
 * effect. Returns the task count; throws ManifestError for an unusable manifest, PlanningAborted when
 * `aborted()` turned true.
 */
export async function planJob(
  deps: ManifestDeps,
  chunks: ChunkRepo,
  metrics: EngineMetrics,
  job: JobRecord,
  chunkSize: number,
  aborted: () => boolean,
): Promise<number> {
  await chunks.deleteChunks(job.jobId);
  let pending: ChunkDescriptor[] = [];
  // Inserts are queued in order: planManifest's callback is synchronous, the port is not.
  let inserts: Promise<void> = Promise.resolve();
  let insertError: Error | undefined;
  const flush = (): void => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    inserts = inserts
      .then(() => (insertError === undefined ? chunks.insertChunks(job.jobId, batch) : undefined))
      .catch((e: unknown) => {
        insertError ??= e instanceof Error ? e : new Error(String(e));
      });
    metrics.manifestRows.inc(batch.reduce((n, c) => n + c.taskCount, 0));
  };
  const { totalTasks } = await planManifest(deps, job, chunkSize, (c) => {
    if (aborted()) throw new PlanningAborted();
    if (insertError !== undefined) throw insertError;
    pending.push(c);
    if (pending.length >= INSERT_BATCH) flush();
  });
  flush();
  await inserts;
  if (insertError !== undefined) throw insertError;
  return totalTasks;
}
