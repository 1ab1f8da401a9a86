import { asyncFacade, type Syncified } from './async-facade.js';
import type { SqliteDb } from './open.js';
import type { JobRepo } from '../../jobs/job-repo.js';
import type { JobFailure, JobRecord, JobSpec, JobStatus } from '../../jobs/model.js';
import { TERMINAL_STATUSES } from '../../jobs/model.js';
import { canTransition } from '../../jobs/status-table.js';
import { OssError } from '../../protocol/oss-error.js';

/** A `jobs` row as better-sqlite3 returns it (schema: migrations/003-jobs.ts). */
interface JobRow {
  job_id: string;
  account_id: string;
  spec_json: string;
  status: string;
  priority: number;
  status_update_reason: string;
  created_at: number;
  terminated_at: number | null;
  pre_confirmed: number;
  suspended_at: number | null;
  total_tasks: number;
  succeeded_tasks: number;
  failed_tasks: number;
  active_ms: number;
  active_since: number | null;
  failure_code: string | null;
  failure_reason: string | null;
  client_request_token: string | null;
  request_hash: string | null;
  version: number;
}

export function rowToJob(r: JobRow): JobRecord {
  return {
    jobId: r.job_id,
    accountId: r.account_id,
    spec: JSON.parse(r.spec_json) as JobSpec,
    status: r.status as JobStatus,
    priority: r.priority,
    statusUpdateReason: r.status_update_reason,
    createdAt: r.created_at,
    terminatedAt: r.terminated_at,
    preConfirmed: r.pre_confirmed !== 0,
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

const TERMINAL_JSON = JSON.stringify([...TERMINAL_STATUSES]);

/**
 * One SET list for every status change, so the bookkeeping cannot drift between callers. SQLite evaluates
 * all SET expressions against the row's old values, so `status` below is the status being left.
 * - active_ms accumulates the stint being closed when leaving Active (clamped at 0 against clock skew);
 * - active_since opens a stint on entering Active, closes on leaving;
 * - terminated_at on entering a terminal status; suspended_at on entering Suspended (14-day timeout).
 * The WHERE is the compare-and-set: status must be one of :from. Entering Suspended is also refused once
 * the job is pre-confirmed (UpdateJobStatus Ready raced the planner), so the planner re-reads and goes Ready.
 */
const TRANSITION_SQL = `
UPDATE jobs SET
  status = :to,
  active_ms = active_ms + CASE WHEN status = 'Active' AND :to <> 'Active' AND active_since IS NOT NULL
                               THEN MAX(0, :now - active_since) ELSE 0 END,
  active_since = CASE WHEN :to = 'Active' THEN :now ELSE NULL END,
  terminated_at = CASE WHEN :to IN (SELECT value FROM json_each(:terminal)) THEN :now ELSE terminated_at END,
  suspended_at = CASE WHEN :to = 'Suspended' THEN :now ELSE suspended_at END,
  status_update_reason = COALESCE(:reason, status_update_reason),
  failure_code = COALESCE(:failureCode, failure_code),
  failure_reason = COALESCE(:failureReason, failure_reason),
  pre_confirmed = COALESCE(:preConfirmed, pre_confirmed),
  version = version + 1
WHERE job_id = :jobId
  AND status IN (SELECT value FROM json_each(:from))
  AND NOT (:to = 'Suspended' AND pre_confirmed = 1)
RETURNING *`;

const ORDER_NEWEST = 'ORDER BY created_at DESC, job_id DESC LIMIT :limit';
const AFTER = 'AND (created_at, job_id) < (:afterCreated, :afterId)';
const STATUS_IN = 'AND status IN (SELECT value FROM json_each(:statuses))';

/** The JobRepo port over better-sqlite3 (prepared statements, wrapped as the async port). */
export function createSqliteJobRepo(db: SqliteDb): JobRepo {
  return asyncFacade<JobRepo>(createSyncJobRepo(db));
}

function createSyncJobRepo(db: SqliteDb): Syncified<JobRepo> {
  // Prepared once (house style: raw prepared statements, ARCHITECTURE.md §4: 62k vs 787k updates/s).
  const s = {
    insert: db.prepare(`INSERT INTO jobs (job_id, account_id, spec_json, status, priority, created_at,
      client_request_token, request_hash) VALUES (:jobId, :accountId, :specJson, 'New', :priority, :now, :token, :hash)
      RETURNING *`),
    byToken: db.prepare('SELECT * FROM jobs WHERE account_id = ? AND client_request_token = ?'),
    get: db.prepare('SELECT * FROM jobs WHERE account_id = ? AND job_id = ?'),
    getById: db.prepare('SELECT * FROM jobs WHERE job_id = ?'),
    list: db.prepare(`SELECT * FROM jobs WHERE account_id = :accountId ${ORDER_NEWEST}`),
    listAfter: db.prepare(`SELECT * FROM jobs WHERE account_id = :accountId ${AFTER} ${ORDER_NEWEST}`),
    listStatus: db.prepare(`SELECT * FROM jobs WHERE account_id = :accountId ${STATUS_IN} ${ORDER_NEWEST}`),
    listStatusAfter: db.prepare(
      `SELECT * FROM jobs WHERE account_id = :accountId ${STATUS_IN} ${AFTER} ${ORDER_NEWEST}`,
    ),
    setPriority: db.prepare(`UPDATE jobs SET priority = ?, version = version + 1
      WHERE account_id = ? AND job_id = ? AND status NOT IN (SELECT value FROM json_each(?)) RETURNING *`),
    transition: db.prepare(TRANSITION_SQL),
    preConfirm:
      db.prepare(`UPDATE jobs SET pre_confirmed = 1, status_update_reason = COALESCE(?, status_update_reason),
      version = version + 1 WHERE job_id = ? AND status = 'Preparing' RETURNING *`),
    setReason: db.prepare('UPDATE jobs SET status_update_reason = ?, version = version + 1 WHERE job_id = ?'),
    setTotal:
      db.prepare(`UPDATE jobs SET total_tasks = ?, succeeded_tasks = 0, failed_tasks = 0, version = version + 1
      WHERE job_id = ?`),
    alive: db.prepare(
      'INSERT INTO engine_alive (id, alive_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET alive_at = excluded.alive_at',
    ),
    aliveAt: db.prepare('SELECT alive_at FROM engine_alive WHERE id = 1').pluck(),
    rebase: db.prepare(`UPDATE jobs SET active_ms = active_ms + MAX(0, :aliveAt - active_since),
      active_since = :now, version = version + 1 WHERE active_since IS NOT NULL`),
    byStatus: db.prepare(`SELECT * FROM jobs WHERE status IN (SELECT value FROM json_each(?))
      ORDER BY priority DESC, created_at ASC, job_id ASC`),
    // One status at a time, so that jobs_status_priority (status, priority DESC, created_at) gives the
    // order and LIMIT stops the read (ties on job_id are sorted in a small temporary tree).
    byStatusFirst: db.prepare(`SELECT * FROM jobs WHERE status = ?
      ORDER BY priority DESC, created_at ASC, job_id ASC LIMIT ?`),
    countByStatus: db.prepare('SELECT status, count(*) AS n FROM jobs GROUP BY status'),
    // INDEXED BY: without statistics SQLite prefers jobs_status_priority (status=?) and reads every
    // Suspended row (1.2 ms with 10,000, against microseconds through the partial index of migration 013).
    suspendedAtOrBefore: db.prepare(`SELECT * FROM jobs INDEXED BY jobs_suspended_at
      WHERE status = 'Suspended' AND suspended_at <= ? ORDER BY suspended_at`),
  };

  // Token lookup and insert in one IMMEDIATE transaction: two processes sharing the file cannot both insert.
  const createTx = db.transaction(
    (input: Parameters<JobRepo['createJob']>[0]): { job: JobRecord; created: boolean } => {
      const token = input.spec.clientRequestToken;
      if (token !== undefined) {
        const existing = s.byToken.get(input.accountId, token) as JobRow | undefined;
        if (existing) {
          if (existing.request_hash !== input.requestHash) throw new OssError('IdempotentParameterMismatch');
          return { job: rowToJob(existing), created: false };
        }
      }
      const row = s.insert.get({
        jobId: input.jobId,
        accountId: input.accountId,
        specJson: JSON.stringify(input.spec),
        priority: input.spec.priority,
        now: input.now,
        token: token ?? null,
        hash: input.requestHash,
      }) as JobRow;
      return { job: rowToJob(row), created: true };
    },
  );

  const one = (row: unknown): JobRecord | undefined =>
    row === undefined ? undefined : rowToJob(row as JobRow);

  return {
    createJob: (input) => createTx.immediate(input),
    getJob: (accountId, jobId) => one(s.get.get(accountId, jobId)),
    getJobById: (jobId) => one(s.getById.get(jobId)),
    recordEngineAlive: (now) => void s.alive.run(now),
    rebaseActiveTime(now) {
      const aliveAt = s.aliveAt.get() as number | undefined;
      // No heartbeat yet (first start): nothing can have been counted twice.
      if (aliveAt === undefined) return 0;
      return s.rebase.run({ aliveAt: Math.min(aliveAt, now), now }).changes;
    },

    listJobs({ accountId, statuses, after, limit }) {
      const params: Record<string, string | number> = { accountId, limit };
      if (after) Object.assign(params, { afterCreated: after.createdAt, afterId: after.jobId });
      if (statuses) params['statuses'] = JSON.stringify(statuses);
      const stmt = statuses ? (after ? s.listStatusAfter : s.listStatus) : after ? s.listAfter : s.list;
      return (stmt.all(params) as JobRow[]).map(rowToJob);
    },

    /** Only non-terminal jobs change priority (spec §5 [INF]); undefined when missing or terminal. */
    setPriority: (accountId, jobId, priority) =>
      one(s.setPriority.get(priority, accountId, jobId, TERMINAL_JSON)),

    transition(input) {
      const illegal = input.from.filter((f) => !canTransition(f, input.to));
      if (illegal.length > 0) {
        throw new Error(
          `illegal job transition ${illegal.join('|')} → ${input.to} (see jobs/status-table.ts)`,
        );
      }
      return one(
        s.transition.get({
          jobId: input.jobId,
          from: JSON.stringify(input.from),
          to: input.to,
          now: input.now,
          terminal: TERMINAL_JSON,
          reason: input.reason ?? null,
          failureCode: failureField(input.failure, 'code'),
          failureReason: failureField(input.failure, 'reason'),
          preConfirmed: input.preConfirmed === undefined ? null : input.preConfirmed ? 1 : 0,
        }),
      );
    },

    /** Only while Preparing (the one status where it means something); undefined otherwise. */
    markPreConfirmed: (jobId, reason) => one(s.preConfirm.get(reason ?? null, jobId)),
    setStatusReason: (jobId, reason) => void s.setReason.run(reason, jobId),
    setTotalTasks: (jobId, total) => void s.setTotal.run(total, jobId),
    findByStatus(statuses, limit) {
      if (limit === undefined) return (s.byStatus.all(JSON.stringify(statuses)) as JobRow[]).map(rowToJob);
      const rows = [...new Set(statuses)].flatMap((status) => s.byStatusFirst.all(status, limit) as JobRow[]);
      return rows.sort(schedulingOrder).slice(0, limit).map(rowToJob);
    },
    findSuspendedAtOrBefore: (cutoff) => (s.suspendedAtOrBefore.all(cutoff) as JobRow[]).map(rowToJob),
    countByStatus() {
      const out: Partial<Record<JobStatus, number>> = {};
      for (const r of s.countByStatus.all() as { status: JobStatus; n: number }[]) out[r.status] = r.n;
      return out;
    },
  };
}

/** byStatus's ORDER BY: priority DESC, created_at ASC, job_id ASC (ids are ASCII: JS and SQLite agree). */
function schedulingOrder(a: JobRow, b: JobRow): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (a.created_at !== b.created_at) return a.created_at - b.created_at;
  return a.job_id < b.job_id ? -1 : a.job_id > b.job_id ? 1 : 0;
}

const failureField = (f: JobFailure | undefined, k: keyof JobFailure): string | null => (f ? f[k] : null);
