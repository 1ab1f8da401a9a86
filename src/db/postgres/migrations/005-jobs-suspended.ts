/** The partial index of SQLite's migration 013 (src/db/migrations/013-jobs-suspended.ts): Suspended jobs by suspended_at. */
export const PG_JOBS_SUSPENDED_SCHEMA = `
CREATE INDEX jobs_suspended_at ON jobs (suspended_at) WHERE status = 'Suspended';
`;
