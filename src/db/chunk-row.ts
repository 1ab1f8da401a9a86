import type { ChunkRow } from '../engine/chunk-repo.js';

/** A `chunks` row as both drivers return it (same column names and types in both schemas). */
export interface RawChunk {
  job_id: string;
  chunk_index: number;
  first_task: number;
  task_count: number;
  source: string;
  attempt: number;
  cursor: number;
  succeeded: number;
  failed: number;
  shard_bytes: number;
  shard_attempt: number;
}

export const toChunkRow = (r: RawChunk): ChunkRow => ({
  jobId: r.job_id,
  chunkIndex: r.chunk_index,
  firstTask: r.first_task,
  taskCount: r.task_count,
  source: r.source,
  attempt: r.attempt,
  cursor: r.cursor,
  succeeded: r.succeeded,
  failed: r.failed,
  shardBytes: r.shard_bytes,
  shardAttempt: r.shard_attempt,
});
