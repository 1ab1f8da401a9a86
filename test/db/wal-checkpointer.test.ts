import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, type SqliteDb } from '../../src/db/sqlite/open.js';
import { createRequire } from 'node:module';
import {
  AUTOCHECKPOINT_WHILE_THREADED,
  CHECKPOINT_AFTER_FRAMES,
  WalCheckpointer,
  type WalCheckpointObserver,
  type WalPauseOutcome,
} from '../../src/db/sqlite/wal-checkpointer.js';

/** A real database file in WAL mode with one table of page-sized rows: one row is about one WAL frame. */
function openDb(): { db: SqliteDb; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-ckpt-'));
  dirs.push(dir);
  const file = path.join(dir, 'test.db');
  const db = openSqlite(file);
  db.exec('CREATE TABLE pages (id INTEGER PRIMARY KEY, body BLOB NOT NULL)');
  // Only the thread (and the inline threshold it sets) checkpoints from here on, so frame counts are exact.
  // A threshold never reached, and not one the checkpointer sets (0, 250): seeing 0 means it set it.
  db.pragma(`wal_autocheckpoint = ${NEVER}`);
  return { db, file };
}

/** The tests' own inline threshold: never reached by their writes. */
const NEVER = 1_000_000;

let nextId = 0;
/** One transaction of `n` rows of ~4 KB, as the engine's bulk write is one transaction per batch. */
function writeFrames(db: SqliteDb, n: number): void {
  const insert = db.prepare('INSERT INTO pages (id, body) VALUES (?, ?)');
  db.transaction(() => {
    for (let i = 0; i < n; i += 1) insert.run(nextId++, Buffer.alloc(3900, i % 251));
  })();
}

/**
 * A better-sqlite3 for the thread whose checkpoints first sleep `ms`: a slow disk, so that the writer
 * outruns the thread as it does in a 1M-task job on a slow machine.
 */
function slowThreadModule(ms: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-slow-thread-'));
  dirs.push(dir);
  const real = createRequire(import.meta.url).resolve('better-sqlite3');
  const file = path.join(dir, 'slow-better-sqlite3.cjs');
  fs.writeFileSync(
    file,
    `const Database = require(${JSON.stringify(real)});
module.exports = function SlowDatabase(...args) {
  const db = new Database(...args);
  const pragma = db.pragma.bind(db);
  db.pragma = (source, options) => {
    if (source.startsWith('wal_checkpoint')) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${ms});
    return pragma(source, options);
  };
  return db;
};
`,
  );
  return file;
}

/** Frames in the WAL (its header's mxFrame): what a restart sets back to the first frame. */
function walFrames(file: string): number {
  const header = Buffer.alloc(20);
  const fd = fs.openSync(`${file}-shm`, 'r');
  try {
    fs.readSync(fd, header, 0, 20, 0);
  } finally {
    fs.closeSync(fd);
  }
  return os.endianness() === 'LE' ? header.readUInt32LE(16) : header.readUInt32BE(16);
}

/** The pause threshold these tests set (restartAtFrames), below the server's RESTART_WAL_AT_FRAMES: fewer frames to write. */
const RESTART_AT = 1000;

/** What the checkpointer reported to its observer (the metrics' source), in order. */
function recorder(): {
  observer: WalCheckpointObserver;
  checkpoints: number[];
  pauses: [number, WalPauseOutcome][];
} {
  const checkpoints: number[] = [];
  const pauses: [number, WalPauseOutcome][] = [];
  return {
    checkpoints,
    pauses,
    observer: {
      checkpointed: (seconds) => void checkpoints.push(seconds),
      paused: (seconds, outcome) => void pauses.push([seconds, outcome]),
    },
  };
}

const autocheckpoint = (db: SqliteDb): number => db.pragma('wal_autocheckpoint', { simple: true }) as number;

const dirs: string[] = [];
const open: { db: SqliteDb; ck: WalCheckpointer }[] = [];
afterEach(async () => {
  for (const { db, ck } of open.splice(0)) {
    await ck.close();
    if (db.open) db.close();
  }
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function checkpointer(
  db: SqliteDb,
  opts: ConstructorParameters<typeof WalCheckpointer>[1] = {},
): WalCheckpointer {
  const ck = new WalCheckpointer(db, opts);
  open.push({ db, ck });
  return ck;
}

describe('WalCheckpointer: the WAL copied on a thread', () => {
  it('starts no thread while fewer frames than the threshold wait', async () => {
    const { db } = openDb();
    const ck = checkpointer(db);
    writeFrames(db, 20);
    ck.afterBulkWrite();
    await ck.settled();
    expect(ck.threadAlive).toBe(false);
    expect(ck.pendingFrames()).toBeGreaterThanOrEqual(20);
    expect(autocheckpoint(db)).toBe(NEVER);
  });

  it('copies the waiting frames on the thread, durably, and ends the thread when bulk writes stop', async () => {
    const { db, file } = openDb();
    const ck = checkpointer(db, { idleMs: 50 });
    writeFrames(db, CHECKPOINT_AFTER_FRAMES + 50);
    expect(ck.pendingFrames()).toBeGreaterThanOrEqual(CHECKPOINT_AFTER_FRAMES + 50);
    ck.afterBulkWrite();
    // The connection no longer checkpoints inline while the thread runs.
    expect(autocheckpoint(db)).toBe(0);
    await ck.settled();
    expect(ck.completed).toBe(1);
    expect(ck.pendingFrames()).toBe(0);
    expect(ck.threadAlive).toBe(true);
    await new Promise((r) => setTimeout(r, 150));
    // Idle: the thread has ended and the connection checkpoints inline again.
    expect(ck.threadAlive).toBe(false);
    expect(autocheckpoint(db)).toBe(250);
    // The next bulk write that needs one starts another.
    writeFrames(db, CHECKPOINT_AFTER_FRAMES);
    ck.afterBulkWrite();
    await ck.settled();
    expect(ck.completed).toBe(2);
    expect(ck.pendingFrames()).toBe(0);
    // The rows are in the database file itself: a copy of it alone (no WAL) has them all.
    const copy = `${file}.copy`;
    fs.copyFileSync(file, copy);
    const alone = new Database(copy, { readonly: true });
    expect(alone.prepare('SELECT count(*) FROM pages').pluck().get()).toBe(2 * CHECKPOINT_AFTER_FRAMES + 50);
    alone.close();
  });

  it('a thread that cannot start leaves the connection checkpointing inline, as without it', async () => {
    const { db } = openDb();
    // A long idle time: the threshold must come back from the failure itself, not from going idle.
    const ck = checkpointer(db, {
      threadModule: path.join(os.tmpdir(), 'no-such-module.js'),
      idleMs: 60_000,
    });
    writeFrames(db, CHECKPOINT_AFTER_FRAMES + 10);
    ck.afterBulkWrite();
    expect(autocheckpoint(db)).toBe(AUTOCHECKPOINT_WHILE_THREADED);
    await ck.settled(); // ends when the thread fails
    expect(ck.completed).toBe(0);
    expect(autocheckpoint(db)).toBe(250);
    // And it does not try again: the inline threshold stays.
    writeFrames(db, CHECKPOINT_AFTER_FRAMES + 10);
    ck.afterBulkWrite();
    expect(autocheckpoint(db)).toBe(250);
    await ck.settled();
    expect(ck.completed).toBe(0);
    expect(db.prepare('SELECT count(*) FROM pages').pluck().get()).toBe(2 * (CHECKPOINT_AFTER_FRAMES + 10));
  });

  it('a writer that never pauses but for the pause restarts the WAL, which stays near RESTART_AT', async () => {
    const { db, file } = openDb();
    // Each checkpoint takes 40 ms: ~10 batches are written while one runs, so the thread never catches up
    // by itself, and no inline checkpoint runs (the threshold is 0 while the thread runs).
    const seen = recorder();
    const ck = checkpointer(db, {
      threadModule: slowThreadModule(40),
      restartAtFrames: RESTART_AT,
      observer: seen.observer,
    });
    const perBatch = 30;
    const batches = Math.ceil((4 * RESTART_AT) / perBatch);
    let most = 0;
    let restarts = 0;
    let paused = 0;
    let last = 0;
    for (let i = 0; i < batches; i += 1) {
      const pause = ck.beforeBulkWrite();
      if (pause) {
        paused += 1;
        await pause;
      }
      writeFrames(db, perBatch);
      ck.afterBulkWrite();
      const frames = walFrames(file);
      if (frames < last) restarts += 1;
      last = frames;
      most = Math.max(most, frames);
      // No inline checkpoint while the thread runs (before it starts, the tests' own NEVER).
      if (ck.threadAlive) expect(autocheckpoint(db)).toBe(0);
    }
    // Without the pause the WAL grows by every batch: 4 × RESTART_AT frames here.
    expect(restarts).toBeGreaterThanOrEqual(3);
    expect(paused).toBeGreaterThanOrEqual(3);
    // A write that crosses the threshold, then the pause: at most one batch (with its page-header frames) past it.
    expect(most).toBeLessThan(RESTART_AT + 2 * perBatch);
    expect(fs.statSync(`${file}-wal`).size).toBeLessThan((RESTART_AT + 2 * perBatch) * (4096 + 24) + 32);
    expect(db.prepare('SELECT count(*) FROM pages').pluck().get()).toBe(batches * perBatch);
    // Reported: every checkpoint with its time on the thread (each slept 40 ms there), every pause once,
    // each of which copied everything (nothing held frames back) after waiting for a checkpoint.
    await ck.settled();
    expect(seen.checkpoints).toHaveLength(ck.completed);
    for (const s of seen.checkpoints) {
      expect(s).toBeGreaterThanOrEqual(0.039);
      expect(s).toBeLessThan(1); // seconds, not ms
    }
    expect(seen.pauses).toHaveLength(paused);
    for (const [s, outcome] of seen.pauses) {
      expect(outcome).toBe('copied');
      expect(s).toBeGreaterThan(0);
      expect(s).toBeLessThan(1);
    }
  });

  it('a reader holding the frames back costs a pause per RESTART_AT, not per batch; then the WAL restarts', async () => {
    const { db, file } = openDb();
    const seen = recorder();
    const ck = checkpointer(db, { restartAtFrames: RESTART_AT, observer: seen.observer });
    writeFrames(db, 10);
    // A reader on its own connection, in a read transaction: no checkpoint may copy frames past its snapshot.
    const reader = new Database(file, { readonly: true });
    reader.prepare('BEGIN').run();
    reader.prepare('SELECT count(*) FROM pages').pluck().get();
    let pauses = 0;
    const batch = async (): Promise<void> => {
      const pause = ck.beforeBulkWrite();
      if (pause) {
        pauses += 1;
        await pause;
      }
      writeFrames(db, 100);
      ck.afterBulkWrite();
    };
    const held = Math.ceil((2.5 * RESTART_AT) / 100);
    for (let i = 0; i < held; i += 1) await batch();
    // Every write went through; the frames past the reader's snapshot wait for it. A pause that could not
    // finish put the next one RESTART_AT further: two pauses here, against one per batch
    // past the threshold (15) without that.
    expect(walFrames(file)).toBeGreaterThan(2 * RESTART_AT);
    expect(pauses).toBeGreaterThanOrEqual(1);
    expect(pauses).toBeLessThanOrEqual(3);
    // Each of those pauses was reported as given up.
    expect(seen.pauses.map(([, outcome]) => outcome)).toEqual(Array(pauses).fill('gave-up'));
    reader.prepare('COMMIT').run();
    reader.close();
    // The reader is done: the next pause copies everything and the write after it restarts the WAL.
    let writes = 0;
    let restarted = false;
    while (!restarted && writes <= RESTART_AT / 100 + 2) {
      const before = walFrames(file);
      await batch();
      writes += 1;
      restarted = walFrames(file) < before;
    }
    expect(restarted).toBe(true);
    expect(seen.pauses.at(-1)?.[1]).toBe('copied');
    expect(db.prepare('SELECT count(*) FROM pages').pluck().get()).toBe(10 + 100 * (held + writes));
  });

  it('bulk writes asked for during a pause wait for it too; one checkpoint runs at a time', async () => {
    const { db, file } = openDb();
    const ck = checkpointer(db, { threadModule: slowThreadModule(30), restartAtFrames: RESTART_AT });
    const pauses = new Set<Promise<void>>();
    let mostAtOnce = 0;
    let shared = 0;
    const count = (p: Promise<void> | undefined): void => {
      if (!p) return;
      if (pauses.has(p)) shared += 1;
      pauses.add(p);
      mostAtOnce = Math.max(mostAtOnce, pauses.size);
      void p.finally(() => pauses.delete(p));
    };
    // Two writers, as the engine's two workers: each asks before its write, the second while the first waits.
    const writer = async (): Promise<void> => {
      for (let i = 0; i < 40; i += 1) {
        const pause = ck.beforeBulkWrite();
        count(pause);
        if (pause) {
          const frames = walFrames(file);
          await pause;
          // Nobody wrote while this writer waited: the pause ran with the writers held.
          expect(walFrames(file)).toBeLessThanOrEqual(frames);
        }
        writeFrames(db, 30);
        ck.afterBulkWrite();
        await new Promise((r) => setImmediate(r));
      }
    };
    await Promise.all([writer(), writer()]);
    // One pause at a time, which the second writer joined rather than overtook.
    expect(mostAtOnce).toBe(1);
    expect(shared).toBeGreaterThanOrEqual(1);
    expect(walFrames(file)).toBeLessThan(RESTART_AT + 3 * 30);
    expect(db.prepare('SELECT count(*) FROM pages').pluck().get()).toBe(2 * 40 * 30);
  });

  it('an observer that throws loses its figure, not the checkpoint or the pause', async () => {
    const { db, file } = openDb();
    const throwing: WalCheckpointObserver = {
      checkpointed: () => {
        throw new TypeError('Value is not a valid number');
      },
      paused: () => {
        throw new TypeError('Value is not a valid number');
      },
    };
    const ck = checkpointer(db, {
      threadModule: slowThreadModule(5),
      restartAtFrames: 300,
      observer: throwing,
    });
    let paused = 0;
    let restarted = false;
    for (let i = 0; i < 40 && !restarted; i += 1) {
      const pause = ck.beforeBulkWrite();
      if (pause) {
        paused += 1;
        await pause; // resolves: the observer's throw does not fail the write that waited
      }
      const before = walFrames(file);
      writeFrames(db, 30);
      restarted = walFrames(file) < before;
      ck.afterBulkWrite();
    }
    await ck.settled(); // settles: the checkpoint's end is not lost to the throw
    expect(ck.completed).toBeGreaterThanOrEqual(1);
    expect(paused).toBeGreaterThanOrEqual(1);
    expect(restarted).toBe(true);
  });

  it('close stops the thread after its checkpoint; the last connection then removes the WAL', async () => {
    const { db, file } = openDb();
    const ck = checkpointer(db);
    writeFrames(db, CHECKPOINT_AFTER_FRAMES + 10);
    ck.afterBulkWrite();
    await ck.close();
    expect(ck.completed).toBe(1);
    db.close();
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });
});
