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
  chunks.deleteChunks(job.jobId);
  let pending: ChunkDescriptor[] = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    chunks.insertChunks(job.jobId, pending);
    metrics.manifestRows.inc(pending.reduce((n, c) => n + c.taskCount, 0));
    pending = [];
  };
  const { totalTasks } = await planManifest(deps, job, chunkSize, (c) => {
    if (aborted()) throw new PlanningAborted();
    pending.push(c);
    if (pending.length >= INSERT_BATCH) flush();
  });
  flush();
  return totalTasks;
}
