import path from 'node:path';
import type { BucketCatalog, CatalogBucket } from '../store/remote/bucket-catalog.js';
import { createSqliteBucketCatalog } from './sqlite/bucket-catalog.js';
import { DATABASE_FILE, hasSqliteDatabase, openSqlite } from './sqlite/index.js';

/**
 * Before the catalog moved into the Backend, `--db postgres://… --store …` kept each node's bucket catalog
 * (owner, ACL, policy) in its data dir's SQLite file (migration 011). On the first start with a shared
 * catalog those rows are moved into it, so buckets keep their ACLs and policies: each row is inserted
 * unless the shared catalog already has that name (another node's row is the cluster's truth then), and is
 * deleted from the file only after that, so a crash in between repeats the move and loses nothing.
 * A data dir without a database file is left alone (never created). Returns the names moved.
 */
export async function moveDataDirCatalog(dataDir: string, shared: BucketCatalog): Promise<string[]> {
  if (!hasSqliteDatabase(dataDir)) return [];
  const db = openSqlite(path.join(dataDir, DATABASE_FILE));
  try {
    const local = createSqliteBucketCatalog(db);
    const rows: CatalogBucket[] = await local.list();
    const moved: string[] = [];
    for (const row of rows) {
      if (await shared.insert(row)) moved.push(row.name);
      await local.remove(row.name);
    }
    return moved;
  } finally {
    db.close();
  }
}
