import type { JobStatus } from '../jobs/model.js';
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
  /**
   * The attempt whose report shard holds the committed `shardBytes` (0: none yet). A new attempt seeds
   * its own shard from that prefix (see ShardStore.openWriter).
   */
  readonly shardAttempt: number;
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
  /** The attempt whose shard holds those shardBytes: the committing attempt's own, or the row's unchanged one. */
  readonly shardAttempt: number;
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
  /** The attempt whose shard holds those bytes (0 when the chunk never committed a row). */
  readonly shardAttempt: number;
}

/**
 * Persistence port for chunks and their leases (adapters: db/sqlite/chunk-repo.ts, db/postgres/).
 * The fencing rule: every claim bumps `attempt`; a commit names the attempt it was claimed with and is
 * refused (ok:false, nothing written — neither chunk nor job counters) unless the row still has that attempt
 * and is leased. So a worker whose lease expired and was taken over can never write again.
 */
export interface ChunkRepo {
  /** Removes every chunk of a job (a restarted planner starts over), in one transaction. */
  deleteChunks(jobId: string): Promise<void>;
  /** Inserts descriptors (state pending, attempt 0) in one transaction. */
  insertChunks(jobId: string, chunks: readonly ChunkDescriptor[]): Promise<void>;
  /**
   * Leases up to `limit` claimable chunks of Active jobs, highest job priority first (read at claim
   * time, so UpdateJobPriority reorders live), then job createdAt, jobId, chunkIndex. Claimable: pending,
   * or leased with lease_expires_at < now by ANOTHER owner (this owner may still be running it). Atomic:
   * no chunk is ever returned to two claimers (PostgreSQL: UPDATE … WHERE (job_id, chunk_index) IN
   * (SELECT … FOR UPDATE SKIP LOCKED) RETURNING). Sets owner, lease_expires_at = now + leaseMs and
   * attempt = attempt + 1; returns the rows after the update.
   */
  claim(owner: string, now: number, leaseMs: number, limit: number): Promise<ChunkRow[]>;
  /** Embedded only: expires every lease now (their holders are known dead); returns how many. */
  releaseAllLeases(): Promise<number>;
  /**
   * One transaction, fenced by attempt (see above): writes cursor, counters, shardBytes and
   * shard_attempt = attempt; `next` keeps (renews to leaseExpiresAt), releases (pending, no owner) or
   * finishes (done) the lease; adds the deltas to the job's succeeded/failed counters and returns the
   * job's counters after the update.
   */
  commit(progress: ChunkProgress): Promise<CommitResult>;
  /** Chunks of the job that are not done. */
  countOpen(jobId: string): Promise<number>;
  /**
   * The jobs in one of `statuses` none of whose chunks is open (every chunk done, or none planned), with
   * their status: one query, so that the jobs with work left are never read.
   */
  jobsWithNothingOpen(statuses: readonly JobStatus[]): Promise<{ jobId: string; status: JobStatus }[]>;
  /** Chunks of the job leased with a lease still running at `now` (lease_expires_at >= now). */
  countLiveLeases(jobId: string, now: number): Promise<number>;
  /** All chunks of the job with their committed shard (attempt, bytes), in chunk order (for the report). */
  listChunkShards(jobId: string): Promise<ChunkShard[]>;
  /**
   * Chunks whose committed cursor is short of their task count, in order: after the job ended, the tasks
   * from `cursor` on never ran (the job-retry extension reads them; src/extensions/job-retry/).
   */
  listUnfinishedChunks(jobId: string): Promise<ChunkRow[]>;
  /** Chunks (all states) — for tests and diagnostics. */
  countChunks(jobId: string): Promise<number>;
}
