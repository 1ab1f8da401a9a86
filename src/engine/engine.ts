import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type pino from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../config.js';
import type { SqliteDb } from '../db/sqlite.js';
import { createSqliteChunkRepo } from '../db/sqlite-chunk-repo.js';
import type { Iam } from '../iam/types.js';
import type { JobRepo } from '../jobs/job-repo.js';
import type { JobRecord } from '../jobs/model.js';
import { IN_FLIGHT, PLANNABLE, SETTLING } from '../jobs/status-table.js';
import type { Clock } from '../protocol/clock.js';
import type { ObjectStore } from '../store/object-store.js';
import { BatchGate } from './batch-gate.js';
import type { ChunkRepo, ChunkRow } from './chunk-repo.js';
import { runChunk, type WorkerEnv } from './chunk-worker.js';
import { JobMover } from './job-mover.js';
import { ManifestError, type ManifestDeps } from './manifest/index.js';
import { createEngineMetrics, type EngineMetrics } from './metrics.js';
import { PlanningAborted, planJob } from './planner.js';
import { quiet, schedule, sweepSuspended, type SchedulerEnv } from './scheduler.js';
import { removeOrphanShards } from './report-writer.js';
import { FAILURE_MIN_TASKS, tooManyFailures } from './failure-reason.js';
import { settleJob, type SettlerEnv } from './settler.js';
import { TaskExecutor } from './task-executor.js';

export interface EngineDeps {
  readonly db: SqliteDb;
  readonly repo: JobRepo;
  readonly store: ObjectStore;
  readonly iam: Iam;
  readonly clock: Clock;
  readonly config: Config;
  readonly logger: pino.Logger;
  readonly metrics: Registry;
  /** Jobs Active at once; more runnable jobs pre-empt by priority. Default DEFAULT_MAX_ACTIVE_JOBS. */
  readonly maxActiveJobs?: number;
  /**
   * Set when this process owns the data exclusively (embedded mode, data-dir lock held): every lease in
   * the database is then a dead process's, released at start so a restart resumes at once instead of
   * waiting config.leaseMs. Never set when several processes share the database.
   */
  readonly releaseLeasesOnStart?: boolean;
}

export interface Engine {
  start(): void;
  /** Re-evaluates now; with a jobId, first re-reads that job's status (cancel seen at the next batch). */
  wake(jobId?: string): void;
  /** Stops claiming, lets workers release their chunks at the next batch boundary, waits for them. */
  stop(): Promise<void>;
}

/** Two Active jobs at a time by default: on 2 cores more only interleave (config.workers chunks run at once). */
export const DEFAULT_MAX_ACTIVE_JOBS = 2;
/** Periodic re-evaluation: leases that expired, the 14-day sweep, missed wakes. */
const TICK_MS = 250;
/** How often the engine records that it is alive (bounds the Active time a crash can over-count to ~1 s). */
const ALIVE_EVERY_MS = 1000;
export { FAILURE_MIN_TASKS } from './failure-reason.js';

export function createEngine(deps: EngineDeps): Engine {
  return new BatchEngine(deps);
}

class BatchEngine implements Engine {
  private readonly chunks: ChunkRepo;
  private readonly mover: JobMover;
  private readonly metrics: EngineMetrics;
  private readonly owner = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly manifest: ManifestDeps;
  private readonly schedulerEnv: SchedulerEnv;
  private readonly settlerEnv: SettlerEnv;
  private readonly workerEnv: WorkerEnv;
  private readonly planning = new Set<string>();
  private readonly settling = new Set<string>();
  private readonly workersByJob = new Map<string, number>();
  private workers = 0;
  private readonly inflight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private tickQueued = false;
  private lastBeat = Number.NEGATIVE_INFINITY;

  constructor(private readonly deps: EngineDeps) {
    const { db, repo, store, iam, clock, config, logger } = deps;
    this.chunks = createSqliteChunkRepo(db);
    this.mover = new JobMover(repo, clock, logger);
    this.metrics = createEngineMetrics(deps.metrics, db);
    this.manifest = { store, iam, clock, region: config.region };
    const localWorkers = (jobId: string): number => this.workersByJob.get(jobId) ?? 0;
    this.schedulerEnv = {
      repo,
      chunks: this.chunks,
      mover: this.mover,
      clock,
      maxActiveJobs: deps.maxActiveJobs ?? DEFAULT_MAX_ACTIVE_JOBS,
      localWorkers,
    };
    this.settlerEnv = {
      repo,
      chunks: this.chunks,
      mover: this.mover,
      iam,
      report: { store, iam, clock, region: config.region, dataDir: config.dataDir },
    };
    this.workerEnv = {
      chunks: this.chunks,
      manifest: this.manifest,
      clock,
      leaseMs: config.leaseMs,
      dataDir: config.dataDir,
      metrics: this.metrics,
      gate: new BatchGate(),
      shouldStop: (jobId) => !this.running || this.mover.status.get(jobId) !== 'Active',
      refreshStatus: (jobId) => void this.mover.refresh(jobId),
      onCounters: (jobId, s, f) => this.applyThreshold(jobId, s, f),
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    removeOrphanShards(this.deps.config.dataDir, (id) => this.deps.repo.getJobById(id));
    if (this.deps.releaseLeasesOnStart) {
      // Same exclusivity argument: the previous process is gone, so its Active stints ended at its last beat.
      const rebased = this.deps.repo.rebaseActiveTime(this.deps.clock.now());
      if (rebased > 0) this.deps.logger.info({ rebased }, 'closed Active stints at the last heartbeat');
      const released = this.chunks.releaseAllLeases();
      if (released > 0) this.deps.logger.info({ released }, 'released chunk leases of a previous process');
    }
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
    this.wake();
  }

  wake(jobId?: string): void {
    if (jobId !== undefined) this.mover.refresh(jobId);
    if (!this.running || this.tickQueued) return;
    this.tickQueued = true;
    setImmediate(() => {
      this.tickQueued = false;
      this.tick();
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
    if (this.deps.db.open) this.deps.repo.recordEngineAlive(this.deps.clock.now());
  }

  /** One synchronous pass over everything the engine drives; long work is launched, never awaited here. */
  private tick(): void {
    if (!this.running) return;
    try {
      this.beat();
      sweepSuspended(this.schedulerEnv);
      for (const job of this.deps.repo.findByStatus(PLANNABLE)) this.startPlanning(job);
      schedule(this.schedulerEnv);
      for (const job of this.deps.repo.findByStatus(SETTLING)) this.startSettling(job);
      this.fillWorkers();
    } catch (e) {
      this.deps.logger.error({ err: e }, 'engine tick failed');
    }
  }

  /** At most one heartbeat write per ALIVE_EVERY_MS: a tiny UPSERT, ~1/s (ticks run every 250 ms or on wake). */
  private beat(): void {
    const now = this.deps.clock.now();
    if (now - this.lastBeat < ALIVE_EVERY_MS && now >= this.lastBeat) return;
    this.lastBeat = now;
    this.deps.repo.recordEngineAlive(now);
  }

  private launch(work: () => Promise<void>): void {
    const p = work()
      .catch((e: unknown) => this.deps.logger.error({ err: e }, 'engine task failed'))
      .finally(() => {
        this.inflight.delete(p);
        this.wake();
      });
    this.inflight.add(p);
  }

  private startPlanning(job: JobRecord): void {
    if (this.planning.has(job.jobId)) return;
    this.planning.add(job.jobId);
    this.launch(() => this.plan(job).finally(() => this.planning.delete(job.jobId)));
  }

  private async plan(job: JobRecord): Promise<void> {
    const id = job.jobId;
    const started = job.status === 'New' ? this.mover.move(id, ['New'], 'Preparing') : job;
    if (!started) return;
    try {
      const aborted = (): boolean => !this.running || this.mover.status.get(id) === 'Cancelling';
      const total = await planJob(
        this.manifest,
        this.chunks,
        this.metrics,
        started,
        this.deps.config.chunkSize,
        aborted,
      );
      this.deps.repo.setTotalTasks(id, total);
      this.mover.log(id).info({ totalTasks: total, chunks: this.chunks.countChunks(id) }, 'manifest planned');
      const fresh = this.mover.refresh(id);
      if (!fresh || fresh.status !== 'Preparing') return;
      const confirm = fresh.spec.confirmationRequired && !fresh.preConfirmed;
      // Entering Suspended is refused once pre-confirmed (UpdateJobStatus Ready raced us): go Ready then.
      if (!(confirm && this.mover.move(id, ['Preparing'], 'Suspended')))
        this.mover.move(id, ['Preparing'], 'Ready');
    } catch (e) {
      if (e instanceof PlanningAborted) return;
      const failure =
        e instanceof ManifestError
          ? { code: e.failureCode, reason: e.message }
          : // Internal details (paths, SQLite messages) go to the log, not to the caller's FailureReason.
            { code: 'InternalError', reason: 'Internal service error while preparing the job.' };
      if (!(e instanceof ManifestError)) this.mover.log(id).error({ err: e }, 'planning failed');
      this.mover.move(id, ['Preparing'], 'Failing', { failure });
    }
  }

  private startSettling(job: JobRecord): void {
    const id = job.jobId;
    if (this.settling.has(id) || this.planning.has(id)) return;
    if (job.status !== 'Completing' && !quiet(this.schedulerEnv, id)) return;
    this.settling.add(id);
    this.launch(() => settleJob(this.settlerEnv, id).finally(() => this.settling.delete(id)));
  }

  private fillWorkers(): void {
    while (this.workers < this.deps.config.workers) {
      const [chunk] = this.chunks.claim(this.owner, this.deps.clock.now(), this.deps.config.leaseMs, 1);
      if (!chunk) return;
      this.metrics.leases.inc();
      this.adjustWorkers(chunk.jobId, 1);
      this.launch(() => this.work(chunk).finally(() => this.adjustWorkers(chunk.jobId, -1)));
    }
  }

  private adjustWorkers(jobId: string, by: number): void {
    this.workers += by;
    const n = (this.workersByJob.get(jobId) ?? 0) + by;
    if (n === 0) this.workersByJob.delete(jobId);
    else this.workersByJob.set(jobId, n);
    this.metrics.leased.set(this.workers);
  }

  private async work(chunk: ChunkRow): Promise<void> {
    const job = this.mover.refresh(chunk.jobId);
    const role = job ? this.deps.iam.findRoleByArn(job.spec.roleArn) : undefined;
    if (!job || job.status !== 'Active' || !role) {
      if (job && !role)
        this.fail(job.jobId, {
          code: 'RoleNotFound',
          reason: `The job role ${job.spec.roleArn} no longer exists.`,
        });
      this.release(chunk);
      return;
    }
    const { store, iam, clock, config } = this.deps;
    const executor = new TaskExecutor(
      store,
      iam,
      iam.roleAsPrincipal(role),
      job.spec.operation,
      config.region,
      clock,
    );
    try {
      const outcome = await runChunk(this.workerEnv, job, chunk, executor);
      if (outcome === 'lost') this.mover.log(job.jobId).warn({ chunk: chunk.chunkIndex }, 'chunk lease lost');
    } catch (e) {
      const failure =
        e instanceof ManifestError
          ? { code: e.failureCode, reason: e.message }
          : {
              code: 'InternalError',
              reason: `Running chunk ${chunk.chunkIndex} failed: ${(e as Error).message}`,
            };
      this.mover.log(job.jobId).error({ err: e, chunk: chunk.chunkIndex }, 'chunk failed');
      this.fail(job.jobId, failure);
    }
  }

  /** Gives an untouched lease back (the job is not Active, or cannot run). */
  private release(c: ChunkRow): void {
    this.chunks.commit({ ...c, succeededDelta: 0, failedDelta: 0, next: 'release', leaseExpiresAt: 0 });
  }

  private fail(jobId: string, failure: { code: string; reason: string }): void {
    this.mover.move(jobId, IN_FLIGHT, 'Failing', { failure });
  }

  private applyThreshold(jobId: string, succeeded: number, failed: number): void {
    const ran = succeeded + failed;
    if (ran < FAILURE_MIN_TASKS || failed * 2 <= ran) return;
    // The settler re-words this from the final counters when the job ends Failed (failure-reason.ts).
    this.fail(jobId, tooManyFailures(succeeded, failed, FAILURE_MIN_TASKS));
  }
}
