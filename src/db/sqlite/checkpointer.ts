import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { SqliteDb } from './open.js';

/**
 * How often the background connection checkpoints the WAL. At the engine's ~150-200k tag updates/s the
 * WAL gains ~5 MB per 250 ms; SQLite's own threshold (1000 pages, 4 MB) is about the same size.
 */
const CHECKPOINT_EVERY_MS = 250;
/** SQLite's default wal_autocheckpoint, put back if the background connection goes away. */
const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;

/**
 * A plain-JS worker (eval: no build step, runs the same from src/ under tsx and from dist/): its own
 * connection to the file, a PASSIVE checkpoint every `everyMs`. PASSIVE never takes the write lock and
 * never waits, so writers and readers on the main connection are not held up.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
const checkpoint = () => {
  try { return db.pragma('wal_checkpoint(PASSIVE)')[0]; } catch { return undefined; /* the next round retries */ }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', (m) => {
  if (m === 'stop') { clearInterval(timer); db.close(); parentPort.close(); return; }
  parentPort.postMessage(checkpoint() ?? null);
});
`;

export interface BackgroundCheckpoints {
  /**
   * Checkpoints now, on the worker, and resolves when done. A writer that awaits this before its next
   * transaction lets that transaction restart the WAL from its beginning: with writes arriving back to back
   * (the engine), a periodic PASSIVE checkpoint never finds the WAL fully copied between two of them, and
   * the file grew without bound (54 MB over a 300k-task job).
   */
  catchUp(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Moves WAL checkpoints off the event loop. With SQLite's automatic checkpoint, the commit that crosses
 * 1000 WAL pages copies them into the database file and fsyncs it, synchronously, on whatever connection
 * committed — on the main thread that was the engine's batch commit: ~0.3-0.6 µs of CPU per tag update
 * (bench/jobs.ts profile; 3.4-3.7 vs 4.0-4.1 µs per update with it off) and an fsync stall that every
 * request queued behind. Here the main connection stops auto-checkpointing and a worker thread with a
 * connection of its own checkpoints in the background. Durability is unchanged: a commit is in the WAL
 * (synchronous=NORMAL) either way; checkpoints only move pages from the WAL into the database file.
 * If the worker dies, the main connection checkpoints itself again.
 */
export function startBackgroundCheckpoints(db: SqliteDb): BackgroundCheckpoints {
  if (db.memory) return { catchUp: () => Promise.resolve(), stop: () => Promise.resolve() };
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driver, file: db.name, everyMs: CHECKPOINT_EVERY_MS },
  });
  worker.unref(); // never what keeps a process alive
  db.pragma('wal_autocheckpoint = 0');
  let stopping = false;
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', () => {
      if (!stopping && db.open) db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`);
      resolve();
    });
  });
  worker.on('error', () => undefined); // 'exit' follows and restores the automatic checkpoint
  // Replies come in request order (one port, one thread): the oldest waiter takes each.
  const waiting: (() => void)[] = [];
  worker.on('message', () => {
    waiting.shift()?.();
    if (waiting.length === 0 && !stopping) worker.unref();
  });
  void exited.then(() => waiting.splice(0).forEach((done) => done()));
  return {
    catchUp() {
      if (stopping) return Promise.resolve();
      return new Promise<void>((resolve) => {
        if (waiting.length === 0) worker.ref(); // an awaited reply keeps the process alive
        waiting.push(resolve);
        worker.postMessage('checkpoint');
      });
    },
    stop() {
      if (!stopping) {
        stopping = true;
        worker.ref(); // until it has exited: an unref'd worker would let the process end inside this await
        worker.postMessage('stop');
      }
      return exited;
    },
  };
}
