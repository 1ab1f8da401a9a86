/**
 * What several nodes share (ARCHITECTURE.md §8), as in src/db/migrations/010-cluster.ts, plus the report
 * shards, which on PostgreSQL live in the database so every node reads them:
 * - job_leases: one row per (job, plan | settle); token is the fencing token (only grows: a release sets
 *   expires_at = 0 and keeps the row).
 * - nodes: heartbeat rows; console_sessions: console sign-ins valid on every node.
 * - shard_pieces: a shard (job, chunk, attempt) is its pieces in seq order; a piece is one flush's bytes.
 *   Keeping pieces (not one growing bytea) makes a flush an INSERT of the new bytes only.
 */
export const PG_CLUSTER_SCHEMA = `
CREATE TABLE job_leases (
  job_id     TEXT COLLATE "C" NOT NULL,
  purpose    TEXT   NOT NULL CHECK (purpose IN ('plan', 'settle')),
  owner      TEXT   NOT NULL,
  token      BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (job_id, purpose)
);
CREATE TABLE nodes (
  node_id    TEXT COLLATE "C" PRIMARY KEY,
  store_kind TEXT   NOT NULL,
  started_at BIGINT NOT NULL,
  seen_at    BIGINT NOT NULL
);
CREATE TABLE console_sessions (
  session_id    TEXT COLLATE "C" PRIMARY KEY,
  access_key_id TEXT   NOT NULL,
  csrf_token    TEXT   NOT NULL,
  created_at    BIGINT NOT NULL,
  expires_at    BIGINT NOT NULL
);
CREATE INDEX console_sessions_created ON console_sessions (created_at, session_id);
CREATE TABLE shard_pieces (
  job_id      TEXT COLLATE "C" NOT NULL,
  chunk_index INTEGER NOT NULL,
  attempt     INTEGER NOT NULL,
  seq         INTEGER NOT NULL,
  -- byte offset of this piece in the shard (the sum of the earlier pieces' lengths)
  start_byte  BIGINT  NOT NULL,
  bytes       BYTEA   NOT NULL,
  PRIMARY KEY (job_id, chunk_index, attempt, seq)
);
`;
