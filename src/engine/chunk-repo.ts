import type { ChunkDescriptor } from './manifest/types.js';

/** One chunk row as the engine sees it (schema: db/migrations/004-chunks.ts). */
export interface ChunkRow {
  readonly jobId: string;
  readonly chunkIndex: number;
  readonly firstTask: number;
  readonly taskCount: number;
  readonly source: string;
  readonly attempt: number;
  readonly cursor: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly shardBytes: number;
}

/** A progress commit of one leased chunk, fenced by its attempt number. */
export interface ChunkProgress {
  readonly jobId: string;
  readonly chunkIndex: number;
  readonly attempt: number;
  readonly cursor: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly shardBytes: number;
  /** Added to jobs.succeeded_tasks / failed_tasks in the same transaction. */
  readonly succeededDelta: number;
  readonly failedDelta: number;
  /** 'keep' renews the lease until leaseExpiresAt, 'release' makes it pending again, 'done' finishes it. */
  readonly next: 'keep' | 'release' | 'done';
  readonly leaseExpiresAt: number;
}

export interface CommitResult {
  /** False when the lease was lost (another attempt took the chunk): nothing was written. */
  readonly ok: boolean;
  readonly jobSucceeded: number;
  readonly jobFailed: number;
  readonly jobTotal: number;
}

/** A chunk's report shard and how many of its bytes are committed (rows past that were never counted). */
export interface ChunkShard {
  readonly chunkIndex: number;
  readonly shardBytes: number;
}

/**
 * Persistence port for chunks and their leases. The SQLite adapter is db/sqlite-chunk-repo.ts; the
 * PostgreSQL one will implement the same claim (UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)).
 */
export interface ChunkRepo {
  /** Removes every chunk of a job (a restarted planner starts over), in one transaction. */
  deleteChunks(jobId: string): void;
  /** Inserts descriptors in one transaction. */
  insertChunks(jobId: string, chunks: readonly ChunkDescriptor[]): void;
  /**
   * Leases up to `limit` claimable chunks (pending, or leased with an expired lease) of Active jobs,
   * highest job priority first (read at claim time, so UpdateJobPriority reorders live).
   */
  claim(owner: string, now: number, leaseMs: number, limit: number): ChunkRow[];
  /** Expires every lease now (their holders are known dead); returns how many. */
  releaseAllLeases(): number;
  commit(progress: ChunkProgress): CommitResult;
  /** Chunks of the job that are not done. */
  countOpen(jobId: string): number;
  /** Chunks of the job leased with a lease still running at `now`. */
  countLiveLeases(jobId: string, now: number): number;
  /** Indexes of all chunks of the job, in order (for the report). */
  listChunkShards(jobId: string): ChunkShard[];
  /**
   * Chunks whose committed cursor is short of their task count, in order: after the job ended, the tasks
   * from `cursor` on never ran (the job-retry extension reads them; src/extensions/job-retry/).
   */
  listUnfinishedChunks(jobId: string): ChunkRow[];
  /** Chunks (all states) — for tests and diagnostics. */
  countChunks(jobId: string): number;
}
