/** What stores a node's objects: the built-in store cannot be shared between nodes (ARCHITECTURE.md §8). */
export type StoreKind = 'builtin' | 'remote';

export interface NodeInfo {
  readonly nodeId: string;
  readonly storeKind: StoreKind;
  readonly startedAt: number;
  /** Last heartbeat, ms since the epoch. */
  readonly seenAt: number;
}

/**
 * The node registry: every engine heartbeats a row (about once a second). Adapters:
 * db/sqlite/node-registry.ts, db/postgres/.
 */
export interface NodeRegistry {
  /** Upserts the node's row with seenAt = now (and its store kind / start time). */
  heartbeat(node: { nodeId: string; storeKind: StoreKind; startedAt: number; now: number }): Promise<void>;
  /** Nodes whose last heartbeat is within ttlMs of now (seenAt >= now - ttlMs), oldest start first. */
  listLive(now: number, ttlMs: number): Promise<NodeInfo[]>;
  /** Removes the node's row (clean stop). */
  remove(nodeId: string): Promise<void>;
}
