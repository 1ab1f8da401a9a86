/**
 * Raw better-sqlite3 ceilings the store and the engine are judged against (docs/performance.md): N rows of
 * the object table's shape, then N tag writes in key-sorted 1000-row transactions, no ossbatch code between.
 *
 *   npx tsx bench/sqlite-raw.ts [rows=400000]
 *
 * Variants: `wide` (UPDATE the tags column of the object row, what the store does), `narrow` (upsert into a
 * (bucket, key, tags) table), `narrow-checked` (the same plus the object-existence read a store would need),
 * and the wide UPDATE with cache_size 64 MiB / mmap 256 MiB / wal_autocheckpoint 10000.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const N = Number(process.argv[2] ?? 400_000);
const TAGS = '[["project","ossbatch"],["tier","bench"]]';
const keyOf = (i: number): string => `data/${String(i).padStart(10, '0')}.bin`;

function run(variant: string, pragmas: string[] = []): number {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-raw-'));
  const db = new Database(path.join(dir, 'raw.db'));
  try {
    for (const p of ['journal_mode = WAL', 'synchronous = NORMAL', ...pragmas]) db.pragma(p);
    db.exec(`CREATE TABLE o (bucket TEXT NOT NULL, key TEXT NOT NULL, version_id TEXT, size INT, etag TEXT,
      ct TEXT, lm INT, sc TEXT, acl TEXT, um TEXT, hh TEXT, tags TEXT, a INT, b INT, c INT, d TEXT, file TEXT,
      PRIMARY KEY (bucket, key)) WITHOUT ROWID;
      CREATE TABLE t (bucket TEXT NOT NULL, key TEXT NOT NULL, tags TEXT NOT NULL, PRIMARY KEY (bucket, key)) WITHOUT ROWID;`);
    const ins = db.prepare(
      "INSERT INTO o VALUES ('b', ?, 'abcdef0123456789abcdef0123456789', 0, 'D41D8CD98F00B204E9800998ECF8427E', 'application/octet-stream', 0, 'Standard', 'default', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
    );
    for (let from = 0; from < N; from += 10_000)
      db.transaction(() => {
        for (let i = from; i < Math.min(N, from + 10_000); i++) ins.run(keyOf(i));
      })();
    const write =
      variant === 'wide'
        ? db.prepare("UPDATE o SET tags = ? WHERE bucket = 'b' AND key = ?")
        : db.prepare("INSERT OR REPLACE INTO t (tags, bucket, key) VALUES (?, 'b', ?)");
    const exists = db.prepare("SELECT 1 FROM o WHERE bucket = 'b' AND key = ?").pluck();
    const start = performance.now();
    for (let from = 0; from < N; from += 1000)
      db.transaction(() => {
        for (let i = from; i < Math.min(N, from + 1000); i++) {
          const key = keyOf(i);
          if (variant === 'narrow-checked' && exists.get(key) === undefined) continue;
          write.run(TAGS, key);
        }
      }).immediate();
    return Math.round(N / ((performance.now() - start) / 1000));
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const cases: [string, string, string[]][] = [
  ['wide', 'wide', []],
  ['narrow', 'narrow', []],
  ['narrow-checked', 'narrow-checked', []],
  ['wide cache 64 MiB + mmap 256 MiB', 'wide', ['cache_size = -65536', 'mmap_size = 268435456']],
  ['wide wal_autocheckpoint 10000', 'wide', ['wal_autocheckpoint = 10000']],
];
for (const [name, variant, pragmas] of cases)
  console.log(`${name.padEnd(34)} ${run(variant, pragmas)} rows/s`);
