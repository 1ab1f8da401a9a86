import type pg from 'pg';
import type { JobLease, JobLeasePurpose, JobLeaseRepo } from '../../engine/job-lease-repo.js';

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
 * One statement per operation, each a CAS. claim is an UPSERT whose DO UPDATE only fires on an expired row
 * (a live lease is left alone and RETURNING yields nothing); two nodes racing on a missing row serialise on
 * the primary key, and the loser's DO UPDATE re-checks expires_at against the winner's committed row.
 * renew/release match (owner, token), so a holder whose lease was taken over can do neither.
 */
const SQL = {
  claim: `INSERT INTO job_leases (job_id, purpose, owner, token, expires_at) VALUES ($1, $2, $3, 1, $4)
    ON CONFLICT (job_id, purpose) DO UPDATE SET owner = excluded.owner, token = job_leases.token + 1,
      expires_at = excluded.expires_at
    WHERE job_leases.expires_at < $5
    RETURNING job_id, purpose, owner, token, expires_at`,
  renew: `UPDATE job_leases SET expires_at = $5
    WHERE job_id = $1 AND purpose = $2 AND owner = $3 AND token = $4
    RETURNING job_id, purpose, owner, token, expires_at`,
  release: `UPDATE job_leases SET expires_at = 0
    WHERE job_id = $1 AND purpose = $2 AND owner = $3 AND token = $4`,
  releaseAll: 'UPDATE job_leases SET expires_at = 0 WHERE expires_at > 0',
  held: 'SELECT count(*) AS n FROM job_leases WHERE job_id = $1 AND purpose = $2 AND expires_at >= $3',
} as const;

type Name = keyof typeof SQL;

export function createPgJobLeaseRepo(pool: pg.Pool): JobLeaseRepo {
  const q = async <R extends pg.QueryResultRow>(
    name: Name,
    values: unknown[] = [],
  ): Promise<pg.QueryResult<R>> => pool.query<R>({ name: `leases.${name}`, text: SQL[name], values });
  return {
    async claim({ jobId, purpose, owner, now, ttlMs }) {
      const row = (await q<LeaseRow>('claim', [jobId, purpose, owner, now + ttlMs, now])).rows[0];
      return row ? toLease(row) : undefined;
    },
    async renew({ jobId, purpose, owner, token }, now, ttlMs) {
      const row = (await q<LeaseRow>('renew', [jobId, purpose, owner, token, now + ttlMs])).rows[0];
      return row ? toLease(row) : undefined;
    },
    async release({ jobId, purpose, owner, token }) {
      await q('release', [jobId, purpose, owner, token]);
    },
    releaseAll: async () => (await q('releaseAll')).rowCount ?? 0,
    isHeld: async (jobId, purpose, now) =>
      ((await q<{ n: number }>('held', [jobId, purpose, now])).rows[0]?.n ?? 0) > 0,
  };
}
