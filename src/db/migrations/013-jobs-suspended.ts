/**
 * Migration 013: the Suspended jobs by the time they entered Suspended, for the 14-day confirmation
 * timeout (JobRepo.findSuspendedAtOrBefore). The engine asked every pass for every Suspended job, spec and
 * all: 77-87 ms per pass with 10,000 of them (ad hoc, SQLite), at four passes a second and more. A partial
 * index holds only the Suspended rows.
 */
export const JOBS_SUSPENDED_SCHEMA = `
CREATE INDEX jobs_suspended_at ON jobs (suspended_at) WHERE status = 'Suspended';
`;
