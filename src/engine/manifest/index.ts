import type { JobRecord } from '../../jobs/model.js';
import { jobRole, openReadable } from './access.js';
import { ChunkCutter } from './chunk-cutter.js';
import { planCsv, readCsvChunk } from './csv.js';
import { planInventory, readInventoryChunk } from './inventory.js';
import { planPrefix, readPrefixChunk } from './prefix.js';
import { ManifestError, type ChunkDescriptor, type ManifestDeps, type Task } from './types.js';

export { ManifestError } from './types.js';
export type { ChunkDescriptor, ManifestDeps, Task } from './types.js';

/**
 * Streams the job's manifest once (CSV, inventory manifest.json + data files, or a prefix listing) and
 * cuts it into chunks of `chunkSize` tasks, calling `onChunk` in order. Never holds the rows: memory is
 * flat whatever the manifest size. Throws ManifestError when the manifest cannot be used (the job fails
 * with its code and reason); rows are validated as they stream, so chunks already passed to `onChunk`
 * before a throw are void and must not run.
 */
export async function planManifest(
  deps: ManifestDeps,
  job: JobRecord,
  chunkSize: number,
  onChunk: (chunk: ChunkDescriptor) => void,
): Promise<{ totalTasks: number }> {
  if (!Number.isInteger(chunkSize) || chunkSize < 1)
    throw new RangeError(`chunkSize must be a positive integer, got ${chunkSize}`);
  const cutter = new ChunkCutter(onChunk);
  const role = await jobRole(deps, job);
  const { manifest, keyPrefix } = job.spec;
  if (manifest) {
    const { meta } = await openReadable(deps, role, manifest.bucket, manifest.object, manifest);
    if (manifest.format === 'OSS_InventoryReport_CSV_20250611') {
      await planInventory(deps, role, manifest, meta, chunkSize, cutter);
    } else {
      await planCsv(deps, manifest, meta, chunkSize, cutter);
    }
  } else if (keyPrefix) {
    await planPrefix(deps, role, keyPrefix, chunkSize, cutter);
  } else {
    throw new ManifestError(
      'InvalidManifest',
      'The job has neither a Manifest nor a KeyPrefixManifestGenerator.',
    );
  }
  return { totalTasks: cutter.totalTasks };
}

/**
 * Yields one chunk's tasks in manifest order, in arrays of ≤ batchSize, skipping the chunk's first `skip`
 * tasks (resume after a crash). Reads only what the chunk covers. Every failure (ManifestError included)
 * surfaces while iterating; breaking out of the loop closes the underlying stream.
 */
export async function* readChunkTasks(
  deps: ManifestDeps,
  job: JobRecord,
  chunk: ChunkDescriptor,
  skip: number,
  batchSize: number,
): AsyncIterable<Task[]> {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  }
  const from = Math.max(0, skip);
  const { manifest, keyPrefix } = job.spec;
  if (manifest?.format === 'OSS_InventoryReport_CSV_20250611') {
    yield* readInventoryChunk(deps, manifest, chunk, from, batchSize);
  } else if (manifest) {
    yield* readCsvChunk(deps, manifest, chunk, from, batchSize);
  } else if (keyPrefix) {
    yield* readPrefixChunk(deps, keyPrefix, chunk, from, batchSize);
  } else {
    throw new ManifestError(
      'InvalidManifest',
      'The job has neither a Manifest nor a KeyPrefixManifestGenerator.',
    );
  }
}
