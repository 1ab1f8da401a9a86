import { BatchGate } from './batch-gate.js';
import type { ChunkRunnerEnv } from './chunk-runner.js';
import { remoteTaskBatch, SHORT_TASK_BATCH, TASK_BATCH } from './chunk-worker.js';
import type { EngineDeps } from './engine-deps.js';
import type { EngineEvents } from './events.js';
import type { JobMover } from './job-mover.js';
import type { EngineMetrics } from './metrics.js';
import type { PendingReleases } from './pending-releases.js';
import type { PlanEnv } from './plan-leased-job.js';
import type { SchedulerEnv } from './scheduler.js';
import type { SettlerEnv } from './settler.js';

/** What the engine's loop decides and the parts read: its per-job worker counts, running flag, threshold. */
export interface EngineHooks {
  readonly mover: JobMover;
  readonly metrics: EngineMetrics;
  readonly events: EngineEvents;
  readonly maxActiveJobs: number;
  localWorkers(jobId: string): number;
  running(): boolean;
  onCounters(jobId: string, succeeded: number, failed: number): void;
  readonly pendingReleases: PendingReleases;
}

export interface EngineEnvs {
  readonly scheduler: SchedulerEnv;
  readonly settler: SettlerEnv;
  readonly plan: Omit<PlanEnv, 'aborted'>;
  readonly runner: ChunkRunnerEnv;
}

/** The wiring of the engine's parts (scheduler, settler, planner, chunk runner) onto its dependencies. */
export function engineEnvs(deps: EngineDeps, h: EngineHooks): EngineEnvs {
  const { ports, store, iam, clock, config, logger } = deps;
  const { mover, metrics, events } = h;
  const manifest = { store, iam, clock, region: config.region };
  const { jobs, chunks, shards } = ports;
  const builtin = deps.storeKind === 'builtin';
  const taskBatch = builtin ? TASK_BATCH : remoteTaskBatch(config.storeConcurrency);
  return {
    scheduler: {
      repo: jobs,
      chunks,
      mover,
      clock,
      maxActiveJobs: h.maxActiveJobs,
      localWorkers: (jobId) => h.localWorkers(jobId),
    },
    settler: {
      repo: jobs,
      chunks,
      mover,
      iam,
      report: { store, iam, clock, region: config.region, shards, logger },
    },
    plan: { manifest, chunks, jobs, mover, metrics, events, chunkSize: config.chunkSize },
    runner: {
      chunks,
      mover,
      events,
      store,
      iam,
      clock,
      region: config.region,
      worker: {
        chunks,
        manifest,
        clock,
        leaseMs: config.leaseMs,
        shards,
        metrics,
        events,
        gate: new BatchGate(deps.beforeBatch),
        taskBatch,
        // A remote store's batch awaits its calls and leaves the loop free: nothing to shorten.
        shortBatch: builtin ? SHORT_TASK_BATCH : taskBatch,
        shouldStop: (jobId) => !h.running() || mover.status.get(jobId) !== 'Active',
        refreshStatus: async (jobId) => void (await mover.refresh(jobId)),
        onCounters: (jobId, s, f) => h.onCounters(jobId, s, f),
        giveBackLater: (release) => h.pendingReleases.add(release),
      },
    },
  };
}
