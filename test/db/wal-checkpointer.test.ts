import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, type SqliteDb } from '../../src/db/sqlite/open.js';
import {
  AUTOCHECKPOINT_WHILE_THREADED,
  CHECKPOINT_AFTER_FRAMES,
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
    // The connection's own checkpoint now only restarts the WAL (see AUTOCHECKPOINT_WHILE_THREADED).
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
