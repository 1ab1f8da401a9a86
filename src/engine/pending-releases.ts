import type { ChunkProgress, ChunkRepo } from './chunk-repo.js';
import type { EngineEvents } from './events.js';

/**
 * Chunk leases this process could not give back: the release commit itself failed (the database refused a
 * write: a full disk, a lost connection). A process never re-claims its own expired lease (its worker could
 * still be running the chunk, db/sqlite/chunk-repo.ts), so without a later release such a chunk stayed
 * leased until a restart and its job never finished. The engine retries them on every tick; each is the
 * chunk's last committed state, fenced by its attempt, so a retry never counts or reports anything twice.
 */
export class PendingReleases {
  private readonly waiting = new Map<string, ChunkProgress>();

  /** A release to retry: the chunk as last committed, `next: 'release'`, no deltas. */
  add(release: ChunkProgress): void {
    this.waiting.set(`${release.jobId}\u0000${release.chunkIndex}\u0000${release.attempt}`, release);
  }

  get size(): number {
    return this.waiting.size;
  }

  /** Retries each once; one that fails again waits for the next tick. Throws the first failure seen. */
  async retry(chunks: ChunkRepo, events: EngineEvents): Promise<void> {
    let failure: Error | undefined;
    for (const [key, release] of this.waiting) {
      try {
        const r = await chunks.commit(release);
        this.waiting.delete(key);
        const ref = { jobId: release.jobId, chunkIndex: release.chunkIndex, attempt: release.attempt };
        events.emit('chunk-released', { ...ref, reason: r.ok ? 'released' : 'lost' });
      } catch (e) {
        failure ??= e instanceof Error ? e : new Error(String(e));
      }
    }
    if (failure !== undefined) throw failure;
  }
}

/** The release of a chunk as last committed: nothing counted since then counts. */
export function releaseAsCommitted(
  ref: { readonly jobId: string; readonly chunkIndex: number; readonly attempt: number },
  committed: {
    readonly cursor: number;
    readonly succeeded: number;
    readonly failed: number;
    readonly shardBytes: number;
    readonly shardAttempt: number;
  },
): ChunkProgress {
  return {
    jobId: ref.jobId,
    chunkIndex: ref.chunkIndex,
    attempt: ref.attempt,
    cursor: committed.cursor,
    succeeded: committed.succeeded,
    failed: committed.failed,
    shardBytes: committed.shardBytes,
    shardAttempt: committed.shardAttempt,
    succeededDelta: 0,
    failedDelta: 0,
    next: 'release',
    leaseExpiresAt: 0,
  };
}
