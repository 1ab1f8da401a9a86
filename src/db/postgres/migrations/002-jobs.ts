/**
 * Jobs, chunks and the engine heartbeat on PostgreSQL: the shapes of src/db/migrations/003, 004, 005 and the
 * chunk column of 010, with BIGINT where SQLite stores INTEGER ms timestamps and counters. Ids are
 * COLLATE "C" so ListJobs' keyset order (created_at DESC, job_id DESC) is byte order on both backends.
 */
export const PG_JOBS_SCHEMA = `
CREATE TABLE jobs (
  job_id               TEXT COLLATE "C" PRIMARY KEY,
  account_id           TEXT COLLATE "C" NOT NULL,
  spec_json            TEXT    NOT NULL,
  status               TEXT    NOT NULL,
  priority             INTEGER NOT NULL DEFAULT 0,
  status_update_reason TEXT    NOT NULL DEFAULT '',
  created_at           BIGINT  NOT NULL,
  terminated_at        BIGINT,
  pre_confirmed        BOOLEAN NOT NULL DEFAULT false,
  suspended_at         BIGINT,
  total_tasks          BIGINT  NOT NULL DEFAULT -1,
  succeeded_tasks      BIGINT  NOT NULL DEFAULT -1,
  failed_tasks         BIGINT  NOT NULL DEFAULT -1,
  active_ms            BIGINT  NOT NULL DEFAULT 0,
  active_since         BIGINT,
  failure_code         TEXT,
  failure_reason       TEXT,
  client_request_token TEXT COLLATE "C",
  request_hash         TEXT,
  version              BIGINT  NOT NULL DEFAULT 1
);
-- ListJobs: newest first per account, keyset-paged on (created_at, job_id).
CREATE INDEX jobs_account_created ON jobs (account_id, created_at DESC, job_id DESC);
-- Engine: jobs in given statuses, highest priority first, then oldest.
CREATE INDEX jobs_status_priority ON jobs (status, priority DESC, created_at);
-- CreateJob idempotency (spec §7.6); NULL tokens never collide (PostgreSQL's default NULLS DISTINCT).
CREATE UNIQUE INDEX jobs_account_token ON jobs (account_id, client_request_token);

-- state: pending | leased | done; attempt: the fencing number bumped on every claim (see ChunkRepo).
CREATE TABLE chunks (
  job_id           TEXT COLLATE "C" NOT NULL,
  chunk_index      INTEGER NOT NULL,
  first_task       BIGINT  NOT NULL,
  task_count       INTEGER NOT NULL,
  source           TEXT    NOT NULL,
  state            TEXT    NOT NULL DEFAULT 'pending',
  lease_owner      TEXT,
  lease_expires_at BIGINT,
  attempt          INTEGER NOT NULL DEFAULT 0,
  cursor           INTEGER NOT NULL DEFAULT 0,
  succeeded        INTEGER NOT NULL DEFAULT 0,
  failed           INTEGER NOT NULL DEFAULT 0,
  shard_bytes      BIGINT  NOT NULL DEFAULT 0,
  shard_attempt    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (job_id, chunk_index)
);
-- Claims only look at chunks that are not done; "anything left?" counts per job and state.
CREATE INDEX chunks_job_state ON chunks (job_id, state);

CREATE TABLE engine_alive (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  alive_at BIGINT  NOT NULL
);
`;
