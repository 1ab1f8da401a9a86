import type { JobRecord } from '../jobs/model.js';
import { PLANNABLE, SETTLING } from '../jobs/status-table.js';
import type { TimerHandle } from '../protocol/clock.js';
import { executeChunk, failJob, releaseChunk, type ChunkRunnerEnv } from './chunk-runner.js';
import { engineEnvs } from './engine-envs.js';
import { EngineEvents } from './events.js';
import type { JobLeasePurpose } from './job-lease-repo.js';
import { withJobLease } from './job-lease-runner.js';
import { JobMover } from './job-mover.js';
import { PendingReleases } from './pending-releases.js';
import { createEngineMetrics, subscribeEngineMetrics, type EngineMetrics } from './metrics.js';
import { planLeasedJob, type PlanEnv } from './plan-leased-job.js';
import { quiet, schedule, sweepSuspended, type SchedulerEnv } from './scheduler.js';
import { removeOrphanShards } from './report-writer.js';
import { FAILURE_MIN_TASKS, tooManyFailures } from './failure-reason.js';
import { StorageBackoff, type EnginePhase } from './storage-backoff.js';
import { settleJob, type SettlerEnv } from './settler.js';
import type { Engine, EngineDeps, EnginePorts } from './engine-deps.js';

export type { Engine, EngineDeps, EnginePorts } from './engine-deps.js';

/** Two Active jobs at a time by default: on 2 cores more only interleave (config.workers chunks run at once). */
export const DEFAULT_MAX_ACTIVE_JOBS = 2;
/** Periodic re-evaluation: leases that expired, the 14-day sweep, missed wakes. */
const TICK_MS = 250;
/** How often the engine heartbeats (bounds the Active time a crash can over-count to ~1 s). */
export const ALIVE_EVERY_MS = 1000;
export { FAILURE_MIN_TASKS } from './failure-reason.js';

export function createEngine(deps: EngineDeps): Engine {
  return new BatchEngine(deps);
}

class BatchEngine implements Engine {
  readonly events = new EngineEvents();
  private readonly ports: EnginePorts;
  private readonly mover: JobMover;
  private readonly metrics: EngineMetrics;
  private readonly schedulerEnv: SchedulerEnv;
  private readonly settlerEnv: SettlerEnv;
  private readonly runnerEnv: ChunkRunnerEnv;
  private readonly planEnv: Omit<PlanEnv, 'aborted'>;
  private readonly workersByJob = new Map<string, number>();
  /**
   * `plan:<jobId>` / `settle:<jobId>` this process is running now. Not a correctness guard (the job
   * lease is), only so a tick does not try to claim again what this engine already holds.
   */
  private readonly localJobWork = new Set<string>();
  /** Worker slots in use: chunks this process is running tasks of (at most `config.workers`). */
  private workers = 0;
  /** Chunk leases this process holds: the chunks running tasks and those still on their last commit. */
  private held = 0;
  private readonly inflight = new Set<Promise<void>>();
  private timer: TimerHandle | undefined;
  private unsubscribe: (() => void) | undefined;
  private running = false;
  private ticking = false;
  /** The tick loop under way (settled when `ticking` went false). */
  private loop: Promise<void> = Promise.resolve();
  /** A full pass is wanted (wake): it runs next, in place of any refill. */
  private tickAgain = false;
  /** Only a worker slot came free (refill): claiming the next chunk is all that is wanted. */
  private refillAgain = false;
  /** Jobs a chunk of which ran out since the last pass (refill). */
  private readonly chunkRanOut = new Set<string>();
  private lastBeat = Number.NEGATIVE_INFINITY;
  private readonly startedAt: number;
  private readonly storage: StorageBackoff;
  private passCount = 0;
  private readonly pendingReleases = new PendingReleases();

  constructor(private readonly deps: EngineDeps) {
    const { ports, clock, logger } = deps;
    this.ports = ports;
    this.startedAt = clock.now();
    this.storage = new StorageBackoff(clock, logger);
    this.mover = new JobMover(ports.jobs, clock, logger, this.events);
    this.metrics = createEngineMetrics(deps.metrics, ports.jobs);
    subscribeEngineMetrics(this.events, this.metrics);
    this.events.on('chunk-released', (e) => {
      if (e.reason === 'lost') this.mover.log(e.jobId).warn({ chunk: e.chunkIndex }, 'chunk lease lost');
    });
    const envs = engineEnvs(deps, {
      mover: this.mover,
      metrics: this.metrics,
      events: this.events,
      maxActiveJobs: deps.maxActiveJobs ?? DEFAULT_MAX_ACTIVE_JOBS,
      localWorkers: (jobId) => this.workersByJob.get(jobId) ?? 0,
      running: () => this.running,
      onCounters: (jobId, s, f) => this.applyThreshold(jobId, s, f),
      pendingReleases: this.pendingReleases,
    });
    this.schedulerEnv = envs.scheduler;
    this.settlerEnv = envs.settler;
    this.planEnv = envs.plan;
    this.runnerEnv = envs.runner;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const { ports, clock, logger } = this.deps;
    await removeOrphanShards(ports.shards, (id) => ports.jobs.getJobById(id));
    if (this.deps.releaseLeasesOnStart) {
      // Same exclusivity argument: the previous process is gone, so its Active stints ended at its last beat.
      const rebased = await ports.jobs.rebaseActiveTime(clock.now());
      if (rebased > 0) logger.info({ rebased }, 'closed Active stints at the last heartbeat');
      const released = await ports.chunks.releaseAllLeases();
      if (released > 0) logger.info({ released }, 'released chunk leases of a previous process');
      await ports.jobLeases.releaseAll();
    }
    this.unsubscribe = ports.notifications.subscribe((n) => {
      if (n.kind === 'job-changed') this.wake(n.jobId);
    });
    this.timer = clock.setInterval(() => this.wake(), this.deps.tickMs ?? TICK_MS);
    this.wake();
  }

  wake(jobId?: string): void {
    if (jobId !== undefined) {
      this.launch(
        async () => void (await this.mover.refresh(jobId)),
        () => undefined,
      );
      // A client's committed change to a job: the database took a write, so space may be back.
      this.storage.retryNow();
    }
    this.tickAgain = true;
    this.kick();
  }

  /**
   * A chunk of a job still Active ended: claim the next chunk without a full pass. A full pass is ~10
   * queries (the job lists by status, twice for finished jobs, the settling list, …), and it used to follow
   * every chunk: 200 passes for a 1M-task job at the default chunk size, 912 `jobs.byStatus` round trips in
   * a 300k-task PostgreSQL bench run where the 250 ms timer accounts for ~100. A full pass follows when
   * the job got no chunk back (refillPass).
   */
  private refill(jobId: string): void {
    this.chunkRanOut.add(jobId);
    this.refillAgain = true;
    this.kick();
  }

  private kick(): void {
    if (!this.running || this.ticking) return;
    this.ticking = true;
    this.loop = new Promise((done) => setImmediate(() => void this.tickLoop().finally(done)));
  }

  async stop(): Promise<void> {
    this.running = false;
    this.timer?.cancel();
    this.unsubscribe?.();
    // A pass or refill under way may be waiting for a claim (a chunk's hand-over starts one during its last
    // commit), and may launch what it claimed: wait for both until neither is left.
    while (this.ticking || this.inflight.size > 0) await Promise.allSettled([this.loop, ...this.inflight]);
    const now = this.deps.clock.now();
    await this.ports.jobs.recordEngineAlive(now).catch(() => undefined);
    await this.ports.nodes.remove(this.deps.nodeId).catch(() => undefined);
  }

  notice(jobId: string): string | undefined {
    return this.storage.notice(jobId);
  }

  /** Passes never overlap: a wake or refill during one runs right after it (a wake wins over a refill). */
  private async tickLoop(): Promise<void> {
    try {
      do {
        const full = this.tickAgain;
        this.tickAgain = false;
        this.refillAgain = false;
        if (full) {
          this.chunkRanOut.clear();
          await this.tick();
        } else await this.refillPass();
      } while ((this.tickAgain || this.refillAgain) && this.running);
    } finally {
      this.ticking = false;
    }
  }

  /**
   * Claims chunks for free worker slots; asks for a full pass when a job whose chunk ran out has no worker
   * left here: it may be done, or another job's chunks took the slot (claims go by priority, so a job with
   * chunks left and the slot to itself gets one back).
   */
  private async refillPass(): Promise<void> {
    if (!this.running || this.storage.blocked()) return;
    const ranOut = [...this.chunkRanOut];
    this.chunkRanOut.clear();
    try {
      await this.fillWorkers();
    } catch (e) {
      if (!this.storage.hit(e, 'scheduling')) this.deps.logger.error({ err: e }, 'engine refill failed');
    }
    if (ranOut.some((jobId) => !this.workersByJob.has(jobId))) this.tickAgain = true;
  }

  /** One pass over everything the engine drives; long work is launched, never awaited here. */
  private async tick(): Promise<void> {
    // While storage is exhausted nothing new starts (storage-backoff.ts); ticks resume after the pause.
    if (!this.running || this.storage.blocked()) return;
    try {
      await this.beat();
      await sweepSuspended(this.schedulerEnv);
      for (const job of await this.ports.jobs.findByStatus(PLANNABLE)) this.startPlanning(job);
      await schedule(this.schedulerEnv);
      for (const job of await this.ports.jobs.findByStatus(SETTLING)) await this.startSettling(job);
      await this.retryReleases();
      await this.fillWorkers();
      this.storage.passed();
      this.events.emit('pass-done', { pass: ++this.passCount });
    } catch (e) {
      if (!this.storage.hit(e, 'scheduling')) this.deps.logger.error({ err: e }, 'engine tick failed');
    }
  }

  /** Leases a failed release left with this process (pending-releases.ts): one more try each tick. */
  private async retryReleases(): Promise<void> {
    if (this.pendingReleases.size === 0) return;
    await this.pendingReleases.retry(this.ports.chunks, this.events).catch((e: unknown) => {
      if (!this.storage.hit(e, 'executing'))
        this.deps.logger.warn({ err: e }, 'giving a chunk lease back failed; retried next tick');
    });
  }

  /** At most one heartbeat per ALIVE_EVERY_MS: the node registry row and the embedded Active-time mark. */
  private async beat(): Promise<void> {
    const now = this.deps.clock.now();
    if (now - this.lastBeat < ALIVE_EVERY_MS && now >= this.lastBeat) return;
    this.lastBeat = now;
    const { nodeId, storeKind } = this.deps;
    await this.ports.nodes.heartbeat({ nodeId, storeKind, startedAt: this.startedAt, now });
    await this.ports.jobs.recordEngineAlive(now);
  }

  private launch(
    work: () => Promise<void>,
    after: () => void = () => this.wake(),
    phase: EnginePhase = 'scheduling',
    jobId?: string,
  ): void {
    const p = work()
      .then(() => {
        if (jobId !== undefined) this.storage.cleared(jobId);
      })
      .catch((e: unknown) => {
        if (!this.storage.hit(e, phase, jobId))
          this.deps.logger.error({ err: e, jobId }, 'engine task failed');
      })
      .finally(() => {
        this.inflight.delete(p);
        after();
      });
    this.inflight.add(p);
  }

  /**
   * Runs whole-job work under its job lease (no two engines plan or settle one job); wakes the engine
   * afterwards only when the work ran (a refused claim must not spin the tick loop).
   */
  private startJobWork(
    jobId: string,
    purpose: JobLeasePurpose,
    work: (lost: () => boolean) => Promise<void>,
  ): void {
    const key = `${purpose}:${jobId}`;
    if (this.localJobWork.has(key)) return;
    this.localJobWork.add(key);
    const claim = { jobId, purpose, owner: this.deps.nodeId, ttlMs: this.deps.config.leaseMs };
    const phase: EnginePhase = purpose === 'plan' ? 'planning' : 'reporting';
    const p = withJobLease(this.ports.jobLeases, this.deps.clock, claim, async (scope) => {
      await work(() => scope.lost());
      this.storage.cleared(jobId);
      return true;
    })
      .catch((e: unknown) => {
        // A full disk is waited out (storage-backoff.ts); the job keeps its status and is retried.
        if (!this.storage.hit(e, phase, jobId))
          this.deps.logger.error({ err: e, jobId, purpose }, 'engine task failed');
        return true;
      })
      .then((ran) => {
        this.localJobWork.delete(key);
        this.inflight.delete(p);
        if (ran === true) this.wake();
      });
    this.inflight.add(p);
  }

  /** Planning of one job runs under its `plan` job lease. */
  private startPlanning(job: JobRecord): void {
    this.startJobWork(job.jobId, 'plan', (lost) => this.plan(job, lost));
  }

  private plan(job: JobRecord, lost: () => boolean): Promise<void> {
    const aborted = (): boolean =>
      !this.running || lost() || this.mover.status.get(job.jobId) === 'Cancelling';
    const env = { ...this.planEnv, aborted };
    return planLeasedJob(env, job);
  }

  /**
   * Settling runs under the job's `settle` lease, once nothing of the job runs anywhere: no planner holds
   * its `plan` lease, no local worker and no live chunk lease (a Completing job has none by construction).
   */
  private async startSettling(job: JobRecord): Promise<void> {
    const id = job.jobId;
    if (this.localJobWork.has(`settle:${id}`)) return;
    if (await this.ports.jobLeases.isHeld(id, 'plan', this.deps.clock.now())) return;
    if (job.status !== 'Completing' && !(await quiet(this.schedulerEnv, id))) return;
    this.startJobWork(id, 'settle', async () => {
      const status = await settleJob(this.settlerEnv, id);
      if (status !== undefined) this.events.emit('settling-done', { jobId: id, status });
    });
  }

  private async fillWorkers(): Promise<void> {
    const { clock, config, nodeId } = this.deps;
    // Chunks on their last commit hold no slot but still hold their lease: at most `workers` of them, so
    // commits that stall (a slow fsync or database) cannot pile up leases, connections and redo work.
    while (this.running && this.workers < config.workers && this.held < 2 * config.workers) {
      const [chunk] = await this.ports.chunks.claim(nodeId, clock.now(), config.leaseMs, 1);
      if (!chunk) return;
      this.events.emit('chunk-claimed', {
        jobId: chunk.jobId,
        chunkIndex: chunk.chunkIndex,
        attempt: chunk.attempt,
      });
      if (!this.running) {
        // stop() came while the claim was out: give the chunk back untouched rather than start it (its
        // lease would otherwise outlive this engine until it expires).
        await releaseChunk(this.runnerEnv, chunk).catch(() => undefined);
        return;
      }
      this.workers += 1;
      this.adjustHeld(chunk.jobId, 1);
      let slotTaken = true;
      const freeSlot = (): void => {
        if (!slotTaken) return;
        slotTaken = false;
        this.workers -= 1;
      };
      // The slot comes free once every task of the chunk ran, so the next chunk is claimed and opened while
      // this one's last shard flush and commit are under way, not after them. On PostgreSQL those are two
      // round trips and the next chunk's claim, job read and shard opening three more, each waiting ~1.3 ms
      // (p50) behind the other worker's batch. `npm run bench -- --db …`, alternating: execute 283k tasks/s
      // against 268k (means of 20 and 17 runs), ratio ≥ 0.75 in 15 of 20 against 4 of 17 (docs/performance.md,
      // eleventh pass). The chunk still counts for its job (localWorkers) until its run ends, so the job
      // cannot complete, settle or pause around its commit.
      const tasksDone = (): void => {
        freeSlot();
        this.refill(chunk.jobId);
      };
      let outcome: Awaited<ReturnType<typeof executeChunk>> | undefined;
      const run = async (): Promise<void> => {
        try {
          outcome = await executeChunk(this.runnerEnv, chunk, tasksDone);
        } finally {
          freeSlot();
          this.adjustHeld(chunk.jobId, -1);
        }
      };
      // A chunk done while its job is still Active only frees a slot; anything else (stopped, lost,
      // failed, a full disk) may move a job, so a full pass follows.
      const next = (): void =>
        outcome === 'done' && this.mover.status.get(chunk.jobId) === 'Active'
          ? this.refill(chunk.jobId)
          : this.wake();
      this.launch(run, next, 'executing', chunk.jobId);
    }
  }

  private adjustHeld(jobId: string, by: number): void {
    this.held += by;
    const n = (this.workersByJob.get(jobId) ?? 0) + by;
    if (n === 0) this.workersByJob.delete(jobId);
    else this.workersByJob.set(jobId, n);
    this.metrics.leased.set(this.held);
  }

  private applyThreshold(jobId: string, succeeded: number, failed: number): void {
    const ran = succeeded + failed;
    if (ran < FAILURE_MIN_TASKS || failed * 2 <= ran) return;
    // The settler re-words this from the final counters when the job ends Failed (failure-reason.ts).
    this.launch(() => failJob(this.mover, jobId, tooManyFailures(succeeded, failed, FAILURE_MIN_TASKS)));
  }
}
