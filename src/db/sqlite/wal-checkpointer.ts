import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { WAL_AUTOCHECKPOINT_PAGES, type SqliteDb } from './open.js';

/**
 * WAL frames not yet copied into the database after which a bulk write starts a checkpoint on the thread:
 * ~8 of the engine's 500-task batches of key-sorted tag updates (~26 frames each).
 */
export const CHECKPOINT_AFTER_FRAMES = 200;

/**
 * WAL frames after which the next bulk write waits until the thread has copied every frame. SQLite restarts
 * the WAL from its beginning only in a writer that finds every frame copied, which a thread copying behind a
 * writer that never pauses does not leave it; so the bulk writer pauses here (its wait is on the thread, the
 * event loop stays free) and its next write restarts the WAL. A pause costs the rest of the checkpoint in
 * flight and one more, whatever the WAL's size, so a larger WAL pauses less: per `npm run bench` run (a
 * 1M-task job and two small ones, ad-hoc timing in drainWal, 2026-11-30) 1000 frames made 72 pauses, 379
 * ms in all (p50 3.8, max 58 ms); 4000 frames (a WAL file of ~16 MB) 15 pauses, 48 ms (p50 3.1, max 6.5).
 * A faster machine whose disk syncs slower (the bench's wal_* keys, 1M-task job, 2026-11-30): 16 pauses,
 * 252-377 ms on SQLite, 12-15 pauses, 108-303 ms with --db postgres. 16000 frames made 4 pauses (53-92 ms)
 * there, but the PostgreSQL runs came out slower (113k, 145k against 150k-167k tasks/s, alternating): not
 * kept.
 */
export const RESTART_WAL_AT_FRAMES = 4000;

/**
 * The connection's own (inline) checkpoint threshold while the thread runs: none. An inline checkpoint runs
 * inside a commit on the event loop and waits there for two fsyncs; before the pause above it was kept (at
 * 1000 frames) to restart the WAL, and on a slow disk its fsyncs took 10-180 ms each: 235 of them on the
 * loop thread in one `npm run bench` run, 2.2 s in all, the longest loop stalls of the run (strace -T,
 * 2026-11-30). Restored to WAL_AUTOCHECKPOINT_PAGES once bulk writes stop (IDLE_MS) or the thread fails.
 */
export const AUTOCHECKPOINT_WHILE_THREADED = 0;

/**
 * Checkpoints a pause runs at most after the one it found running. The first copies what the bulk writes
 * left; the others are a margin for requests' own writes meanwhile. A checkpoint that copies nothing (a
 * reader holding an older snapshot, or SQLITE_BUSY) ends the pause early; a pause that ends with frames
 * left puts the next one restartAtFrames further (drainWal).
 */
const PAUSE_CHECKPOINTS = 3;

/**
 * Bulk-write quiet time after which the thread ends and the inline threshold goes back to
 * WAL_AUTOCHECKPOINT_PAGES. Short, so that the thread's ~9 MB (its V8 isolate) are gone before a job's
 * report phase, where the PostgreSQL backend's RSS peaks: kept for the whole run, the thread put that peak
 * at 181-201 MB against 173-174 (`npm run bench -- --db postgres://…`). The engine's batches come ms apart,
 * so a running job does not lose it; the next bulk write that needs one starts another (its first
 * checkpoint done 60-92 ms after the request against ~7 ms for a running thread, five ad-hoc starts).
 */
const IDLE_MS = 200;

/**
 * The thread's body: CommonJS run with `eval`, so that the compiled server and the TypeScript sources under
 * vitest/tsx start it alike (a `.ts` worker file would need a loader, which Node 20 refuses to pass to a
 * worker by execArgv). It opens a second connection to the same file and runs one PASSIVE checkpoint per
 * message: SQLite's own protocol (the WAL synced before frames are copied, the database synced after), so
 * durability is the inline checkpoint's, and neither readers nor the writer wait for it.
 */
const THREAD_BODY = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.betterSqlite3);
try {
  // Nice 10 for this thread alone (Linux: a thread is a task; /proc/thread-self names its id): its copying
  // must not take a core from the event loop or from a client on the same machine.
  const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
  require('node:os').setPriority(tid, 10);
} catch {}
const db = new Database(workerData.file, { fileMustExist: true, timeout: 0 });
// Reading the mode opens the WAL; until then the connection reports no WAL to checkpoint (log -1).
if (db.pragma('journal_mode', { simple: true }) !== 'wal') throw new Error('not a WAL database');
db.pragma('synchronous = NORMAL');
db.pragma('cache_size = -64');
parentPort.on('message', (m) => {
  if (m === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const started = performance.now();
    db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ ok: true, ms: performance.now() - started });
  } catch (e) {
    parentPort.postMessage({ ok: false, error: String(e) });
  }
});
`;

/** Offsets in the WAL-index header at the start of `<db>-shm` (sqlite.org/walformat.html §2.1). */
const SHM_MX_FRAME = 16;
const SHM_N_BACKFILL = 96;

/**
 * What the checkpointer reports as it goes (db/sqlite/wal-metrics.ts turns it into Prometheus histograms):
 * how long the disk takes to take a checkpoint, and how long bulk writes wait for the WAL to be copied.
 */
export interface WalCheckpointObserver {
  /** A checkpoint on the thread finished: its time there, fsyncs included, in seconds. */
  checkpointed(seconds: number): void;
  /**
   * A pause ended after bulk writes waited `seconds` for it: `copied` when every frame was copied (the
   * next write restarts the WAL), `gave-up` when frames stayed uncopied (a reader holding an older
   * snapshot, other writes meanwhile, or SQLITE_BUSY from another connection's checkpoint).
   */
  paused(seconds: number, outcome: WalPauseOutcome): void;
}

export type WalPauseOutcome = 'copied' | 'gave-up';

export interface WalCheckpointerOptions {
  /** Bulk-write quiet time before the inline threshold is restored (tests shorten it). */
  idleMs?: number;
  /** Test seam: the module the thread loads as better-sqlite3 (a missing one: a thread that fails). */
  threadModule?: string;
  /** WAL frames at which bulk writes pause (RESTART_WAL_AT_FRAMES; tests lower it to restart sooner). */
  restartAtFrames?: number;
  /** Told of every checkpoint and pause (metrics). */
  observer?: WalCheckpointObserver;
}

/**
 * Copies the engine's WAL frames into the database on a worker thread instead of inside a batch's commit
 * on the event loop. An inline checkpoint of 250 frames stalled the loop 5-10 ms, mostly waiting for its
 * two fsyncs, every ~10 batches: 300 of a 1M-task job's 2,400 batches (of 500 tasks then) took over 5 ms;
 * with a prototype of the thread, 75-83 (ad-hoc per-batch timings in the bench's server, 2026-11-30).
 * `npm run bench`, 11 pairs alternating with the build before, 2026-11-30: execute +12% (mean 163k against
 * 146k tasks/s), ratio to the raw baseline 0.64-0.95 (mean 0.76) against 0.62-0.77 (0.68); the cost, a
 * DescribeJob p99 ~2 ms higher (both over 10 ms on that machine) and 9+ MB of RSS while a job runs
 * (docs/performance.md, sixth pass).
 *
 * Started by the first bulk write that leaves CHECKPOINT_AFTER_FRAMES frames uncopied, read from the
 * WAL-index header (one pread per batch): a server that runs no job starts no thread. A thread that
 * cannot start or dies leaves the connection checkpointing inline, as before.
 */
export class WalCheckpointer {
  private worker: Worker | undefined;
  private shm: number | undefined;
  private dead = false;
  private running: Promise<void> | undefined;
  private endRunning: (() => void) | undefined;
  /** WAL frames at which the next bulk write pauses: RESTART_WAL_AT_FRAMES, or more after a pause gave up. */
  private pauseAtFrames: number;
  /** The last bulk write left the WAL at pauseAtFrames or more. */
  private restartDue = false;
  /** The pause in progress: every bulk write asked for meanwhile waits for it, in order. */
  private pause: Promise<void> | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly header = Buffer.alloc(SHM_N_BACKFILL + 4);
  private readonly idleMs: number;
  private readonly restartAtFrames: number;
  private readonly threadModule: string | undefined;
  private readonly observer: WalCheckpointObserver | undefined;
  /** Checkpoints the thread completed (tests, diagnostics). */
  completed = 0;

  constructor(
    private readonly db: SqliteDb,
    opts: WalCheckpointerOptions = {},
  ) {
    this.idleMs = opts.idleMs ?? IDLE_MS;
    this.restartAtFrames = opts.restartAtFrames ?? RESTART_WAL_AT_FRAMES;
    this.pauseAtFrames = this.restartAtFrames;
    this.threadModule = opts.threadModule;
    this.observer = opts.observer;
  }

  /** Whether a thread is running now (between bulk writes that need one and IDLE_MS after the last). */
  get threadAlive(): boolean {
    return this.worker !== undefined;
  }

  /** Frames in the WAL not yet copied into the database (WAL-index header), or undefined where unreadable. */
  pendingFrames(): number | undefined {
    const wal = this.walFrames();
    return wal && wal.total - wal.copied;
  }

  /**
   * Before a bulk write: a promise while the WAL is to be restarted (RESTART_WAL_AT_FRAMES), which the
   * write awaits; otherwise nothing, so a write that need not wait does not wait a microtask either.
   */
  beforeBulkWrite(): Promise<void> | undefined {
    if (this.dead) return undefined;
    if (this.pause === undefined && this.restartDue) {
      const started = performance.now();
      this.pause = this.drainWal()
        .then((outcome) => {
          if (outcome) this.report((o) => o.paused((performance.now() - started) / 1000, outcome));
        })
        .finally(() => {
          this.pause = undefined;
        });
    }
    return this.pause;
  }

  /** After a bulk write: a checkpoint on the thread when enough frames wait and none is running. */
  afterBulkWrite(): void {
    if (this.dead) return;
    const wal = this.walFrames();
    if (wal === undefined) return;
    if (wal.total < this.restartAtFrames) this.pauseAtFrames = this.restartAtFrames;
    this.restartDue = wal.total >= this.pauseAtFrames;
    if (wal.total - wal.copied >= CHECKPOINT_AFTER_FRAMES) this.checkpoint();
  }

  /**
   * The pause: checkpoints until every frame is copied. When it gives up first (PAUSE_CHECKPOINTS), the
   * next pause waits until the WAL has grown by another RESTART_WAL_AT_FRAMES: a reader or a stream of
   * request writes that keeps it from finishing must not make every batch pay a pause. Undefined when the
   * thread or the WAL-index went away meanwhile (the connection checkpoints inline from then on).
   */
  private async drainWal(): Promise<WalPauseOutcome | undefined> {
    let copiedBefore = -1;
    for (let i = 0; ; i += 1) {
      await this.running;
      const wal = this.walFrames();
      if (wal === undefined || this.dead) return undefined;
      if (wal.copied === wal.total) {
        this.restartDue = false;
        return 'copied';
      }
      if (wal.copied === copiedBefore || i === PAUSE_CHECKPOINTS) {
        this.pauseAtFrames = wal.total + this.restartAtFrames;
        this.restartDue = false;
        return 'gave-up';
      }
      copiedBefore = wal.copied;
      this.checkpoint();
    }
  }

  /** One PASSIVE checkpoint on the thread, unless one is running. */
  private checkpoint(): void {
    if (this.running) return;
    const worker = this.worker ?? this.start();
    if (!worker) return;
    this.db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_WHILE_THREADED}`);
    clearTimeout(this.idleTimer);
    this.running = new Promise<void>((resolve) => {
      this.endRunning = resolve;
      worker.once('message', (r: { ok: boolean; ms?: number }) => {
        // Not ok: SQLITE_BUSY (another connection's checkpoint ran); the next bulk write asks again.
        resolve();
        if (r.ok) {
          this.completed += 1;
          this.report((o) => o.checkpointed((r.ms ?? 0) / 1000));
        }
      });
      worker.ref();
      worker.postMessage('checkpoint');
    }).finally(() => {
      this.endRunning = undefined;
      this.running = undefined;
      this.worker?.unref();
      this.idleTimer = setTimeout(() => this.retire(), this.idleMs).unref();
    });
  }

  /** Tells the observer: a metric that throws (prom-client refuses NaN) must not stop writes. */
  private report(tell: (observer: WalCheckpointObserver) => void): void {
    if (!this.observer) return;
    try {
      tell(this.observer);
    } catch {
      // Only the figure is lost.
    }
  }

  /** The WAL's frames and how many of them are copied into the database (WAL-index header). */
  private walFrames(): { total: number; copied: number } | undefined {
    if (this.shm === undefined) {
      if (this.db.memory || this.dead) return undefined;
      try {
        this.shm = fs.openSync(`${this.db.name}-shm`, 'r');
      } catch {
        return undefined;
      }
    }
    if (fs.readSync(this.shm, this.header, 0, this.header.length, 0) < this.header.length) return undefined;
    const read = os.endianness() === 'LE' ? 'readUInt32LE' : 'readUInt32BE';
    return { total: this.header[read](SHM_MX_FRAME), copied: this.header[read](SHM_N_BACKFILL) };
  }

  /** Resolves when no checkpoint is running on the thread. */
  async settled(): Promise<void> {
    await this.running;
  }

  /** Stops the thread (after its checkpoint in progress) and closes its connection. */
  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    this.dead = true;
    await this.running;
    const worker = this.worker;
    this.worker = undefined;
    if (this.shm !== undefined) fs.closeSync(this.shm);
    this.shm = undefined;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.ref();
    worker.postMessage('close');
    await exited;
  }

  private start(): Worker | undefined {
    try {
      const worker = new Worker(THREAD_BODY, {
        eval: true,
        workerData: {
          file: this.db.name,
          betterSqlite3: this.threadModule ?? createRequire(import.meta.url).resolve('better-sqlite3'),
        },
      });
      // A thread ended by retire() is no longer this.worker: only an unexpected end is a failure.
      worker.on('error', () => this.worker === worker && this.fail());
      worker.on('exit', () => this.worker === worker && this.fail());
      worker.unref();
      this.worker = worker;
      return worker;
    } catch {
      this.fail();
      return undefined;
    }
  }

  /** The thread is gone: the connection checkpoints inline again, as without it. */
  private fail(): void {
    if (this.dead) return;
    this.dead = true;
    this.worker = undefined;
    this.endRunning?.();
    this.restoreInline();
  }

  /** Bulk writes stopped: the thread ends (its connection closed) and the inline threshold returns. */
  private retire(): void {
    this.restoreInline();
    // The inline checkpoint restarts the WAL from here on; a pause would only start a thread for it.
    this.restartDue = false;
    const worker = this.worker;
    if (!worker || this.running) return;
    this.worker = undefined;
    worker.postMessage('close');
  }

  /**
   * The connection checkpoints inline again (WAL_AUTOCHECKPOINT_PAGES) until the next bulk write that
   * needs the thread: for a long synchronous write that no bulk write follows soon (seeding objects), which
   * would otherwise run with no checkpoint at all, the idle timer being unable to fire during it.
   */
  restoreInline(): void {
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  }
}
