import type pino from 'pino';
import type { Clock } from '../protocol/clock.js';
import { StorageAlarm } from '../store/storage-alarm.js';
import { isStorageExhausted } from '../store/storage-full.js';

/** First pause after a storage error; doubled per further error up to MAX_BACKOFF_MS. */
export const MIN_BACKOFF_MS = 500;
/** Longest pause: space that returns is noticed within half a minute. */
export const MAX_BACKOFF_MS = 30_000;

export type EnginePhase = 'planning' | 'executing' | 'reporting' | 'scheduling';

const PHASE_TEXT: Record<EnginePhase, string> = {
  planning: 'preparing the job',
  executing: 'running its tasks',
  reporting: 'writing its report',
  scheduling: 'scheduling jobs',
};

/**
 * The engine's answer to a full disk (issue 12: a job stuck in Preparing spun at 93% of a core writing
 * 841 error lines a second). A storage error in any phase pauses all of the engine's writing (planning,
 * claiming, settling) for a growing interval, since one disk holds everything; the job keeps its status and
 * shows why it waits in DescribeJob's StatusUpdateReason; after the pause the engine simply tries again,
 * so it resumes by itself once space returns. The notice lives in memory, not in the database, because
 * the disk that is full cannot take the write that would record it.
 */
export class StorageBackoff {
  private until = 0;
  private delay = MIN_BACKOFF_MS;
  private readonly notices = new Map<string, string>();
  /** Set when the engine's own bookkeeping (no job in particular) hit the full disk: every job waits. */
  private engineNotice: string | undefined;
  private readonly alarm: StorageAlarm;

  constructor(
    private readonly clock: Clock,
    logger: pino.Logger,
  ) {
    this.alarm = new StorageAlarm(logger, undefined, () => clock.now());
  }

  /** True while the engine should not start writing work. */
  blocked(): boolean {
    return this.clock.now() < this.until;
  }

  /**
   * Records `e` when it is a storage error (returns true: the caller waits instead of failing the job);
   * returns false for any other error.
   */
  hit(e: unknown, phase: EnginePhase, jobId?: string): boolean {
    if (!isStorageExhausted(e)) return false;
    this.until = this.clock.now() + this.delay;
    this.delay = Math.min(this.delay * 2, MAX_BACKOFF_MS);
    const text =
      `Waiting for disk space: the server's storage is full while ${PHASE_TEXT[phase]} ` +
      '(InsufficientStorage). The job resumes by itself once space is freed.';
    if (jobId !== undefined) this.notices.set(jobId, text);
    else this.engineNotice = text;
    this.alarm.raise(e, { component: 'engine', phase, jobId });
    return true;
  }

  /** A phase of the job completed: its notice goes and the next storage error starts a short pause again. */
  cleared(jobId: string): void {
    this.notices.delete(jobId);
    this.delay = MIN_BACKOFF_MS;
  }

  /**
   * A client's change to a job was just committed (create, cancel, priority): the database took a write,
   * so space may be back; end the pause now instead of making a cancel wait up to MAX_BACKOFF_MS.
   */
  retryNow(): void {
    this.until = 0;
  }

  /** A whole engine pass went through: the engine-wide notice goes. */
  passed(): void {
    this.engineNotice = undefined;
  }

  /** The reason the job is waiting, for DescribeJob / ListJobs (non-terminal jobs); undefined when it is not. */
  notice(jobId: string): string | undefined {
    return this.notices.get(jobId) ?? this.engineNotice;
  }
}
