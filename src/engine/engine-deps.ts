import type pino from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../config.js';
import type { Notifications } from '../db/notifications.js';
import type { Iam } from '../iam/types.js';
import type { JobRepo } from '../jobs/job-repo.js';
import type { Clock } from '../protocol/clock.js';
import type { ObjectStore } from '../store/object-store.js';
import type { ChunkRepo } from './chunk-repo.js';
import type { EngineEvents } from './events.js';
import type { JobLeaseRepo } from './job-lease-repo.js';
import type { NodeRegistry, StoreKind } from './node-registry.js';
import type { ShardStore } from './shard-store.js';

/** The persistence ports the engine runs on (a Backend provides them all). */
export interface EnginePorts {
  readonly jobs: JobRepo;
  readonly chunks: ChunkRepo;
  readonly shards: ShardStore;
  readonly jobLeases: JobLeaseRepo;
  readonly nodes: NodeRegistry;
  readonly notifications: Notifications;
}

export interface EngineDeps {
  readonly ports: EnginePorts;
  readonly store: ObjectStore;
  readonly iam: Iam;
  readonly clock: Clock;
  readonly config: Config;
  readonly logger: pino.Logger;
  readonly metrics: Registry;
  /** This node's id: the owner of its chunk and job leases and its row in the node registry. */
  readonly nodeId: string;
  readonly storeKind: StoreKind;
  /** Jobs Active at once; more runnable jobs pre-empt by priority. Default DEFAULT_MAX_ACTIVE_JOBS. */
  readonly maxActiveJobs?: number;
  /**
   * Set when this process owns the data exclusively (embedded mode, data-dir lock held): every chunk and
   * job lease in the database is then a dead process's, released at start so a restart resumes at once
   * instead of waiting config.leaseMs. Never set when several processes share the database.
   */
  readonly releaseLeasesOnStart?: boolean;
  /**
   * Runs in each batch's loop turn and calls `grant` when the batch may run (BatchGate): the server first
   * handles and answers the requests read just before (src/http/request-turn.ts); when one of them still
   * waits for a reply it holds the grant for it (the built-in store), or grants with `hurry`.
   */
  readonly beforeBatch?: (grant: (hurry: boolean) => void) => void;
  /**
   * How often a full pass runs by the clock, besides the passes events ask for. Default TICK_MS (250).
   * Tests lengthen it to see that an event alone drives a job forward.
   */
  readonly tickMs?: number;
}

export interface Engine {
  /** Typed events (job status changes, chunk claimed / committed / released, planning and settling done). */
  readonly events: EngineEvents;
  start(): Promise<void>;
  /** Re-evaluates now; with a jobId, first re-reads that job's status (cancel seen at the next batch). */
  wake(jobId?: string): void;
  /** Stops claiming, lets workers release their chunks at the next batch boundary, waits for them. */
  stop(): Promise<void>;
  /** Why the job is waiting (e.g. for disk space), shown as DescribeJob's StatusUpdateReason; else undefined. */
  notice(jobId: string): string | undefined;
}
