import type { JobRecord, JobStatus } from '../jobs/model.js';
import { TypedEmitter } from './typed-emitter.js';

/** What the engine tells observers (metrics, logs, tests). Names and payloads are a stable contract. */
// A type alias (not an interface) so it satisfies Record<string, unknown> in TypedEmitter.
export type EngineEventMap = {
  /** A status change this engine made (compare-and-set succeeded); `from` is this engine's last known status. */
  'job-status': { jobId: string; from: JobStatus | undefined; to: JobStatus; job: JobRecord };
  /** A chunk lease was taken (attempt is the fencing token its commits carry). */
  'chunk-claimed': { jobId: string; chunkIndex: number; attempt: number };
  /** A progress commit succeeded; next says whether the chunk is kept, released or done. */
  'chunk-committed': {
    jobId: string;
    chunkIndex: number;
    attempt: number;
    cursor: number;
    next: 'keep' | 'release' | 'done';
  };
  /** A chunk lease ended without finishing the chunk: released (stop, pause, error) or lost (fenced out). */
  'chunk-released': { jobId: string; chunkIndex: number; attempt: number; reason: 'released' | 'lost' };
  /** The manifest was planned into chunks (totalTasks known), or planning failed / was abandoned. */
  'planning-done': { jobId: string; outcome: 'planned' | 'failed' | 'aborted'; totalTasks?: number };
  /** This engine settled a job: the status it left it in (terminal, or still settling when a CAS was lost). */
  'settling-done': { jobId: string; status: JobStatus };
  /**
   * One complete pass over all jobs (sweep, plan, schedule, settle, claim) went through. Whatever the
   * engine decides about a change made before a pass started has been decided once it ends: tests wait
   * for passes instead of sleeping before asserting that something did not happen.
   */
  'pass-done': { pass: number };
};

export class EngineEvents extends TypedEmitter<EngineEventMap> {}
