import type { ChunkDescriptor } from './types.js';

/** Numbers chunks and tracks the running task index; each reader supplies the source of a chunk. */
export class ChunkCutter {
  private index = 0;
  private firstTask = 0;

  constructor(private readonly onChunk: (chunk: ChunkDescriptor) => void) {}

  emit(taskCount: number, source: object): void {
    if (taskCount === 0) return;
    this.onChunk({ index: this.index, firstTask: this.firstTask, taskCount, source: JSON.stringify(source) });
    this.index += 1;
    this.firstTask += taskCount;
  }

  get totalTasks(): number {
    return this.firstTask;
  }
}

/** Parses a chunk source written by one of the planners, checking it is the kind expected. */
export function parseSource<T extends { k: string }>(chunk: ChunkDescriptor, kind: T['k']): T {
  const value = JSON.parse(chunk.source) as T;
  if (value.k !== kind) throw new Error(`Chunk ${chunk.index} has a ${value.k} source, expected ${kind}.`);
  return value;
}

/**
 * Groups tasks into batches of ≤ batchSize after skipping the first `skip` and stopping after `limit`
 * tasks (the chunk's taskCount): shared by the readers. Each batch is allocated at its final size: growing
 * it push by push re-copied it, ~160 B of allocation per task on the execute path (`npm run bench --
 * --heap-prof-execute`), much of it promoted to the old generation before it died (peak RSS).
 */
export class BatchCollector<T> {
  private current: T[] | undefined;
  private filled = 0;
  private ready: T[][] = [];
  private seen = 0;

  constructor(
    private readonly skip: number,
    private readonly limit: number,
    private readonly batchSize: number,
  ) {}

  /** Adds one task; returns false once `limit` tasks have been seen (stop reading). */
  add(task: T): boolean {
    this.seen += 1;
    if (this.seen > this.skip) {
      // This task and the ones still to come, up to a full batch.
      this.current ??= new Array<T>(Math.max(1, Math.min(this.batchSize, this.limit - this.seen + 1)));
      this.current[this.filled++] = task;
      if (this.filled === this.current.length) {
        this.ready.push(this.current);
        this.current = undefined;
        this.filled = 0;
      }
    }
    return this.seen < this.limit;
  }

  get done(): boolean {
    return this.seen >= this.limit;
  }

  /** Full batches ready to yield. */
  takeReady(): T[][] {
    const out = this.ready;
    this.ready = [];
    return out;
  }

  /** The last, partial batch (the source ended before `limit`). */
  takeRest(): T[] | undefined {
    const out = this.current;
    if (out === undefined || this.filled === 0) return undefined;
    out.length = this.filled;
    this.current = undefined;
    this.filled = 0;
    return out;
  }
}
