import type pg from 'pg';
import type { JobRepo } from '../../jobs/job-repo.js';
import type { JobFailure, JobRecord, JobSpec, JobStatus } from '../../jobs/model.js';
import { TERMINAL_STATUSES } from '../../jobs/model.js';
import { canTransition } from '../../jobs/status-table.js';
import { OssError } from '../../protocol/oss-error.js';

/** A `jobs` row as pg returns it (schema: migrations/002-jobs.ts; BIGINT parsed to number by the pool). */
interface JobRow {
  job_id: string;
  account_id: string;
  spec_json: string;
  status: string;
  priority: number;
  status_update_reason: string;
  created_at: number;
  terminated_at: number | null;
  pre_confirmed: boolean;
  suspended_at: number | null;
  total_tasks: number;
  succeeded_tasks: number;
  failed_tasks: number;
  active_ms: number;
  active_since: number | null;
  failure_code: string | null;
  failure_reason: string | null;
  version: number;
}

const COLUMNS = `job_id, account_id, spec_json, status, priority, status_update_reason, created_at, terminated_at,
  pre_confirmed, suspended_at, total_tasks, succeeded_tasks, failed_tasks, active_ms, active_since, failure_code,
  failure_reason, version`;

function rowToJob(r: JobRow): JobRecord {
  return {
    jobId: r.job_id,
    accountId: r.account_id,
    spec: JSON.parse(r.spec_json) as JobSpec,
    status: r.status as JobStatus,
    priority: r.priority,
    statusUpdateReason: r.status_update_reason,
    createdAt: r.created_at,
    terminatedAt: r.terminated_at,
    preConfirmed: r.pre_confirmed,
    suspendedAt: r.suspended_at,
    totalTasks: r.total_tasks,
    succeededTasks: r.succeeded_tasks,
    failedTasks: r.failed_tasks,
    activeMs: r.active_ms,
    activeSince: r.active_since,
    failure: r.failure_code !== null ? { code: r.failure_code, reason: r.failure_reason ?? '' } : null,
    version: r.version,
  };
}

const TERMINAL = [...TERMINAL_STATUSES];

const ORDER_NEWEST = 'ORDER BY created_at DESC, job_id DESC LIMIT $2';

/**
 * Every jobs statement (house style: visible, in one place). In PostgreSQL every SET expression reads the
 * row's old values, so `status` in the transition's SET list is the status being left, as in SQLite.
 * The transition's WHERE is the CAS (status = ANY(:from)); entering Suspended is refused once pre-confirmed.
 */
const SQL = {
  insert: `INSERT INTO jobs (job_id, account_id, spec_json, status, priority, created_at, client_request_token,
      request_hash) VALUES ($1, $2, $3, 'New', $4, $5, $6, $7)
    ON CONFLICT (account_id, client_request_token) DO NOTHING RETURNING ${COLUMNS}`,
  byToken: `SELECT ${COLUMNS}, request_hash FROM jobs WHERE account_id = $1 AND client_request_token = $2`,
  get: `SELECT ${COLUMNS} FROM jobs WHERE account_id = $1 AND job_id = $2`,
  getById: `SELECT ${COLUMNS} FROM jobs WHERE job_id = $1`,
  list: `SELECT ${COLUMNS} FROM jobs WHERE account_id = $1 ${ORDER_NEWEST}`,
  listAfter: `SELECT ${COLUMNS} FROM jobs WHERE account_id = $1 AND (created_at, job_id) < ($3, $4) ${ORDER_NEWEST}`,
  listStatus: `SELECT ${COLUMNS} FROM jobs WHERE account_id = $1 AND status = ANY($3::text[]) ${ORDER_NEWEST}`,
  listStatusAfter: `SELECT ${COLUMNS} FROM jobs WHERE account_id = $1 AND status = ANY($3::text[])
    AND (created_at, job_id) < ($4, $5) ${ORDER_NEWEST}`,
  setPriority: `UPDATE jobs SET priority = $1, version = version + 1
    WHERE account_id = $2 AND job_id = $3 AND NOT (status = ANY($4::text[])) RETURNING ${COLUMNS}`,
  transition: `UPDATE jobs SET
      status = $2::text,
      active_ms = active_ms + CASE WHEN status = 'Active' AND $2::text <> 'Active' AND active_since IS NOT NULL
                                   THEN GREATEST(0, $3::bigint - active_since) ELSE 0 END,
      active_since = CASE WHEN $2::text = 'Active' THEN $3::bigint ELSE NULL END,
      terminated_at = CASE WHEN $2::text = ANY($5::text[]) THEN $3::bigint ELSE terminated_at END,
      suspended_at = CASE WHEN $2::text = 'Suspended' THEN $3::bigint ELSE suspended_at END,
      status_update_reason = COALESCE($6::text, status_update_reason),
      failure_code = COALESCE($7::text, failure_code),
      failure_reason = COALESCE($8::text, failure_reason),
      pre_confirmed = COALESCE($9::boolean, pre_confirmed),
      version = version + 1
    WHERE job_id = $1 AND status = ANY($4::text[]) AND NOT ($2::text = 'Suspended' AND pre_confirmed)
    RETURNING ${COLUMNS}`,
  preConfirm: `UPDATE jobs SET pre_confirmed = true, status_update_reason = COALESCE($1, status_update_reason),
    version = version + 1 WHERE job_id = $2 AND status = 'Preparing' RETURNING ${COLUMNS}`,
  setReason: 'UPDATE jobs SET status_update_reason = $1, version = version + 1 WHERE job_id = $2',
  setTotal: `UPDATE jobs SET total_tasks = $1, succeeded_tasks = 0, failed_tasks = 0, version = version + 1
    WHERE job_id = $2`,
  alive: `INSERT INTO engine_alive (id, alive_at) VALUES (1, $1)
    ON CONFLICT (id) DO UPDATE SET alive_at = excluded.alive_at`,
  aliveAt: 'SELECT alive_at FROM engine_alive WHERE id = 1',
  rebase: `UPDATE jobs SET active_ms = active_ms + GREATEST(0, $1::bigint - active_since), active_since = $2,
    version = version + 1 WHERE active_since IS NOT NULL`,
  byStatus: `SELECT ${COLUMNS} FROM jobs WHERE status = ANY($1::text[])
    ORDER BY priority DESC, created_at ASC, job_id ASC`,
  // Per status through jobs_status_priority, each read stopping at the limit, then the first of them all.
  byStatusFirst: `SELECT j.* FROM unnest($1::text[]) AS s(status) CROSS JOIN LATERAL (
      SELECT ${COLUMNS} FROM jobs WHERE jobs.status = s.status
      ORDER BY priority DESC, created_at ASC, job_id ASC LIMIT $2) j
    ORDER BY j.priority DESC, j.created_at ASC, j.job_id ASC LIMIT $2`,
  countByStatus: 'SELECT status, count(*) AS n FROM jobs GROUP BY status',
  // status = 'Suspended' spelled as the partial index's condition (migration 005), so the planner uses it.
  suspendedAtOrBefore: `SELECT ${COLUMNS} FROM jobs WHERE status = 'Suspended' AND suspended_at <= $1
    ORDER BY suspended_at`,
} as const;

type Name = keyof typeof SQL;

/** The JobRepo port over a pg pool. Hot statements are named, so each connection prepares them once. */
export function createPgJobRepo(pool: pg.Pool): JobRepo {
  const q = async <R extends pg.QueryResultRow>(name: Name, values: unknown[] = []): Promise<R[]> =>
    (await pool.query<R>({ name: `jobs.${name}`, text: SQL[name], values })).rows;
  const one = (rows: JobRow[]): JobRecord | undefined => (rows[0] ? rowToJob(rows[0]) : undefined);

  return {
    async createJob({ jobId, accountId, spec, requestHash, now }) {
      const token = spec.clientRequestToken ?? null;
      // ON CONFLICT DO NOTHING waits for a concurrent insert of the same token to commit, then yields no row:
      // the SELECT below (a new snapshot) sees that job. NULL tokens never conflict.
      const values = [jobId, accountId, JSON.stringify(spec), spec.priority, now, token, requestHash];
      const inserted = await q<JobRow>('insert', values);
      if (inserted[0]) return { job: rowToJob(inserted[0]), created: true };
      const existing = (await q<JobRow & { request_hash: string | null }>('byToken', [accountId, token]))[0];
      if (!existing) throw new Error(`createJob: token conflict for ${accountId} but no row found`);
      if (existing.request_hash !== requestHash) throw new OssError('IdempotentParameterMismatch');
      return { job: rowToJob(existing), created: false };
    },
    getJob: async (accountId, jobId) => one(await q('get', [accountId, jobId])),
    getJobById: async (jobId) => one(await q('getById', [jobId])),
    async listJobs({ accountId, statuses, after, limit }) {
      const base: unknown[] = [accountId, limit];
      const afterVals = after ? [after.createdAt, after.jobId] : [];
      const name: Name = statuses ? (after ? 'listStatusAfter' : 'listStatus') : after ? 'listAfter' : 'list';
      const values = statuses ? [...base, [...statuses], ...afterVals] : [...base, ...afterVals];
      return (await q<JobRow>(name, values)).map(rowToJob);
    },
    setPriority: async (accountId, jobId, priority) =>
      one(await q('setPriority', [priority, accountId, jobId, TERMINAL])),
    async transition(input) {
      const illegal = input.from.filter((f) => !canTransition(f, input.to));
      if (illegal.length > 0)
        throw new Error(
          `illegal job transition ${illegal.join('|')} → ${input.to} (see jobs/status-table.ts)`,
        );
      return one(
        await q('transition', [
          input.jobId,
          input.to,
          input.now,
          [...input.from],
          TERMINAL,
          input.reason ?? null,
          failureField(input.failure, 'code'),
          failureField(input.failure, 'reason'),
          input.preConfirmed ?? null,
        ]),
      );
    },
    markPreConfirmed: async (jobId, reason) => one(await q('preConfirm', [reason ?? null, jobId])),
    setStatusReason: async (jobId, reason) => void (await q('setReason', [reason, jobId])),
    setTotalTasks: async (jobId, total) => void (await q('setTotal', [total, jobId])),
    findByStatus: async (statuses, limit) =>
      (limit === undefined
        ? await q<JobRow>('byStatus', [[...statuses]])
        : await q<JobRow>('byStatusFirst', [[...new Set(statuses)], limit])
      ).map(rowToJob),
    findSuspendedAtOrBefore: async (cutoff) =>
      (await q<JobRow>('suspendedAtOrBefore', [cutoff])).map(rowToJob),
    async countByStatus() {
      const out: Partial<Record<JobStatus, number>> = {};
      for (const r of await q<{ status: JobStatus; n: number }>('countByStatus')) out[r.status] = r.n;
      return out;
    },
    recordEngineAlive: async (now) => void (await q('alive', [now])),
    async rebaseActiveTime(now) {
      const aliveAt = (await q<{ alive_at: number }>('aliveAt'))[0]?.alive_at;
      // No heartbeat yet (first start): nothing can have been counted twice.
      if (aliveAt === undefined) return 0;
      const res = await pool.query({
        name: 'jobs.rebase',
        text: SQL.rebase,
        values: [Math.min(aliveAt, now), now],
      });
      return res.rowCount ?? 0;
    },
  };
}

const failureField = (f: JobFailure | undefined, k: keyof JobFailure): string | null => (f ? f[k] : null);
