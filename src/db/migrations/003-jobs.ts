/**
 * The `jobs` table (one row per job; per-object state never lives here — ARCHITECTURE.md §3).
 * Column names are a contract: the engine updates succeeded_tasks/failed_tasks/total_tasks with its own
 * SQL in the same transaction as its chunk progress (migration 004 owns `chunks`).
 * Times are ms since the epoch; counts are -1 until the manifest has been read (spec §7.5).
 */
export const JOBS_SCHEMA = `
CREATE TABLE jobs (
  job_id               TEXT    PRIMARY KEY,
  account_id           TEXT    NOT NULL,
  spec_json            TEXT    NOT NULL,
  status               TEXT    NOT NULL,
  priority             INTEGER NOT NULL DEFAULT 0,
  status_update_reason TEXT    NOT NULL DEFAULT '',
  created_at           INTEGER NOT NULL,
  terminated_at        INTEGER,
  pre_confirmed        INTEGER NOT NULL DEFAULT 0,
  suspended_at         INTEGER,
  total_tasks          INTEGER NOT NULL DEFAULT -1,
  succeeded_tasks      INTEGER NOT NULL DEFAULT -1,
  failed_tasks         INTEGER NOT NULL DEFAULT -1,
  active_ms            INTEGER NOT NULL DEFAULT 0,
  active_since         INTEGER,
  failure_code         TEXT,
  failure_reason       TEXT,
  client_request_token TEXT,
  request_hash         TEXT,
  version              INTEGER NOT NULL DEFAULT 1
);
-- ListJobs: newest first per account, keyset-paged on (created_at, job_id).
CREATE INDEX jobs_account_created ON jobs (account_id, created_at DESC, job_id DESC);
-- Engine: jobs in given statuses, highest priority first, then oldest.
CREATE INDEX jobs_status_priority ON jobs (status, priority DESC, created_at);
-- CreateJob idempotency (spec §7.6); NULL tokens never collide in a SQLite UNIQUE index.
CREATE UNIQUE INDEX jobs_account_token ON jobs (account_id, client_request_token);
`;
