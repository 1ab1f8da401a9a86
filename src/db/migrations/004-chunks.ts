/**
 * The `chunks` table: one row per ~chunkSize manifest tasks (ARCHITECTURE.md §3: rows are O(chunks), never
 * O(objects)). It doubles as the lease table workers claim from; the PostgreSQL adapter will share its shape.
 * - state: pending (claimable) | leased (a worker holds it until lease_expires_at) | done.
 * - attempt: bumped on every claim; progress writes are fenced by it (a worker whose lease was taken over
 *   cannot commit).
 * - cursor: tasks of the chunk done and committed; succeeded/failed: their outcome counts (already added to
 *   jobs.succeeded_tasks/failed_tasks in the same transaction).
 * - shard_bytes: committed length of the chunk's local report shard file; a resumed attempt truncates to it.
 * Times are ms since the epoch.
 */
export const CHUNKS_SCHEMA = `
CREATE TABLE chunks (
  job_id           TEXT    NOT NULL,
  chunk_index      INTEGER NOT NULL,
  first_task       INTEGER NOT NULL,
  task_count       INTEGER NOT NULL,
  source           TEXT    NOT NULL,
  state            TEXT    NOT NULL DEFAULT 'pending',
  lease_owner      TEXT,
  lease_expires_at INTEGER,
  attempt          INTEGER NOT NULL DEFAULT 0,
  cursor           INTEGER NOT NULL DEFAULT 0,
  succeeded        INTEGER NOT NULL DEFAULT 0,
  failed           INTEGER NOT NULL DEFAULT 0,
  shard_bytes      INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (job_id, chunk_index)
);
-- Claims and "anything left?" checks look chunks up per job and state.
CREATE INDEX chunks_job_state ON chunks (job_id, state);
`;
