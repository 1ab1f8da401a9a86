import type { JobLease, JobLeasePurpose, JobLeaseRepo } from '../../engine/job-lease-repo.js';
import { asyncFacade } from './async-facade.js';
import type { SqliteDb } from './open.js';

interface LeaseRow {
  job_id: string;
  purpose: JobLeasePurpose;
  owner: string;
  token: number;
  expires_at: number;
}

const toLease = (r: LeaseRow): JobLease => ({
  jobId: r.job_id,
  purpose: r.purpose,
  owner: r.owner,
  token: r.token,
  expiresAt: r.expires_at,
});

/**
 * One statement per operation. The claim is an UPSERT whose DO UPDATE only fires on an expired row: a
 * live lease is left alone and RETURNING yields nothing (the CAS). PostgreSQL takes the same statement.
 */
const CLAIM_SQL = `
INSERT INTO job_leases (job_id, purpose, owner, token, expires_at) VALUES (:jobId, :purpose, :owner, 1, :expires)
ON CONFLICT (job_id, purpose) DO UPDATE SET owner = excluded.owner, token = job_leases.token + 1,
  expires_at = excluded.expires_at
WHERE job_leases.expires_at < :now
RETURNING *`;

export function createSqliteJobLeaseRepo(db: SqliteDb): JobLeaseRepo {
  const st = {
    claim: db.prepare(CLAIM_SQL),
    renew: db.prepare(`UPDATE job_leases SET expires_at = :expires
      WHERE job_id = :jobId AND purpose = :purpose AND owner = :owner AND token = :token RETURNING *`),
    release: db.prepare(`UPDATE job_leases SET expires_at = 0
      WHERE job_id = :jobId AND purpose = :purpose AND owner = :owner AND token = :token`),
    releaseAll: db.prepare('UPDATE job_leases SET expires_at = 0 WHERE expires_at > 0'),
    held: db
      .prepare('SELECT count(*) FROM job_leases WHERE job_id = ? AND purpose = ? AND expires_at >= ?')
      .pluck(),
  };
  return asyncFacade<JobLeaseRepo>({
    claim({ jobId, purpose, owner, now, ttlMs }) {
      const row = st.claim.get({ jobId, purpose, owner, now, expires: now + ttlMs }) as LeaseRow | undefined;
      return row ? toLease(row) : undefined;
    },
    renew(lease, now, ttlMs) {
      const { jobId, purpose, owner, token } = lease;
      const row = st.renew.get({ jobId, purpose, owner, token, expires: now + ttlMs }) as
        LeaseRow | undefined;
      return row ? toLease(row) : undefined;
    },
    release({ jobId, purpose, owner, token }) {
      st.release.run({ jobId, purpose, owner, token });
    },
    releaseAll: () => st.releaseAll.run().changes,
    isHeld: (jobId, purpose, now) => (st.held.get(jobId, purpose, now) as number) > 0,
  });
}
