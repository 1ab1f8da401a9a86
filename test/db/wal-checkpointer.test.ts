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
  RESTART_WAL_AT_FRAMES,
  WalCheckpointer,
} from '../../src/db/sqlite/wal-checkpointer.js';

/** A real database file in WAL mode with one table of page-sized rows: one row is about one WAL frame. */
function openDb(): { db: SqliteDb; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-ckpt-'));
  dirs.push(dir);
  const file = path.join(dir, 'test.db');
  const db = openSqlite(file);
  db.exec('CREATE TABLE pages (id INTEGER PRIMARY KEY, body BLOB NOT NULL)');
  // Only the thread (and the inline threshold it sets) checkpoints from here on, so frame counts are exact.
  db.pragma('wal_autocheckpoint = 0');
  return { db, file };
}

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
    expect(autocheckpoint(db)).toBe(0);
  });

  it('copies the waiting frames on the thread, durably, and ends the thread when bulk writes stop', async () => {
    const { db, file } = openDb();
    const ck = checkpointer(db, { idleMs: 50 });
    writeFrames(db, CHECKPOINT_AFTER_FRAMES + 50);
    expect(ck.pendingFrames()).toBeGreaterThanOrEqual(CHECKPOINT_AFTER_FRAMES + 50);
    ck.afterBulkWrite();
    // The connection no longer checkpoints inline while the thread runs.
    expect(AUTOCHECKPOINT_WHILE_THREADED).toBe(0);
    expect(autocheckpoint(db)).toBe(AUTOCHECKPOINT_WHILE_THREADED);
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

  it('a writer that never pauses but for the pause restarts the WAL, which stays near RESTART_WAL_AT_FRAMES', async () => {
    const { db, file } = openDb();
    // Each checkpoint takes 40 ms: ~10 batches are written while one runs, so the thread never catches up
    // by itself, and no inline checkpoint runs (the threshold is 0 while the thread runs).
    const ck = checkpointer(db, { threadModule: slowThreadModule(40) });
    const perBatch = 30;
    const batches = Math.ceil((4 * RESTART_WAL_AT_FRAMES) / perBatch);
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
      expect(autocheckpoint(db)).toBe(0);
    }
    // Without the pause the WAL grows by every batch: 4 × RESTART_WAL_AT_FRAMES frames here.
    expect(restarts).toBeGreaterThanOrEqual(3);
    expect(paused).toBe(restarts);
    // A write that crosses the threshold, then the pause: at most one batch (with its page-header frames) past it.
    expect(most).toBeLessThan(RESTART_WAL_AT_FRAMES + 2 * perBatch);
    expect(fs.statSync(`${file}-wal`).size).toBeLessThan(
      (RESTART_WAL_AT_FRAMES + 2 * perBatch) * (4096 + 24) + 32,
    );
    expect(db.prepare('SELECT count(*) FROM pages').pluck().get()).toBe(batches * perBatch);
  });

  it('a pause ends when a reader holds the frames back, and the WAL restarts after the reader is done', async () => {
    const { db, file } = openDb();
    const ck = checkpointer(db);
    writeFrames(db, 10);
    // A reader on its own connection, in a read transaction: no checkpoint may copy frames past its snapshot.
    const reader = new Database(file, { readonly: true });
    const begin = reader.prepare('BEGIN');
    begin.run();
    reader.prepare('SELECT count(*) FROM pages').pluck().get();
    for (let i = 0; i < Math.ceil(RESTART_WAL_AT_FRAMES / 100) + 1; i += 1) {
      await ck.beforeBulkWrite();
      writeFrames(db, 100);
      ck.afterBulkWrite();
    }
    // Every write went through; the frames past the reader's snapshot wait for it.
    expect(walFrames(file)).toBeGreaterThan(RESTART_WAL_AT_FRAMES);
    expect(ck.pendingFrames()).toBeGreaterThan(RESTART_WAL_AT_FRAMES - 20);
    reader.prepare('COMMIT').run();
    reader.close();
    await ck.beforeBulkWrite();
    writeFrames(db, 10);
    ck.afterBulkWrite();
    expect(walFrames(file)).toBeLessThan(50);
    expect(db.prepare('SELECT count(*) FROM pages').pluck().get()).toBe(
      20 + 100 * (Math.ceil(RESTART_WAL_AT_FRAMES / 100) + 1),
    );
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
