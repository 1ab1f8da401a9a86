/**
 * Bucket-inventory run throughput (not a test): `npx tsx bench/inventory-run.ts [objects]`.
 * Seeds `objects` metadata-only objects (default 200,000) into a real built-in store, then runs a Current
 * and an All-versions inventory with four optional fields; prints one JSON line per run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqlite } from '../src/db/sqlite/open.js';
import type { InventoryConfig } from '../src/inventory/model.js';
import { runInventory } from '../src/inventory/run.js';
import { systemClock } from '../src/protocol/clock.js';
import { createBuiltinStore } from '../src/store/builtin/index.js';

const objects = Number(process.argv[2] ?? 200_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-inventory-bench-'));
const db = openSqlite(path.join(dir, 'ossbatch.db'));
const store = await createBuiltinStore({
  db,
  dataDir: dir,
  clock: systemClock,
  region: 'cn-hangzhou',
  restoreDurationMs: 0,
});
for (const name of ['src', 'dst'])
  await store.createBucket({ name, owner: '1', acl: 'private', storageClass: 'Standard' });
await store.seedObjects(
  'src',
  Array.from({ length: objects }, (_, i) => ({ key: `obj/${String(i).padStart(9, '0')}`, size: i })),
);
const config = (includedVersions: 'Current' | 'All'): InventoryConfig => ({
  id: 'bench',
  isEnabled: true,
  filter: { prefix: '' },
  destination: { format: 'CSV', accountId: '1', roleArn: 'acs:ram::1:role/r', bucket: 'dst', prefix: '' },
  frequency: 'Daily',
  includedVersions,
  optionalFields: ['Size', 'LastModifiedDate', 'ETag', 'StorageClass'],
});
for (const versions of ['Current', 'All'] as const) {
  const t = process.hrtime.bigint();
  const run = await runInventory({ store, clock: systemClock }, 'src', config(versions));
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  const gzBytes = run.files.reduce((n, f) => n + f.size, 0);
  const rssMb = Math.round(process.memoryUsage().rss / 1e6);
  console.log(
    JSON.stringify({
      versions,
      rows: run.rows,
      seconds: +s.toFixed(2),
      rowsPerSec: Math.round(run.rows / s),
      gzBytes,
      rssMb,
    }),
  );
}
db.close();
fs.rmSync(dir, { recursive: true, force: true });
