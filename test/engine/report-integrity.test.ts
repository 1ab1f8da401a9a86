import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteChunkRepo } from '../../src/db/sqlite-chunk-repo.js';
import { shardPath } from '../../src/engine/report-shard.js';
import { createHarness, readReport, TAG_OP, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('report integrity', () => {
  it('reports only committed shard rows when a job settles before a crashed chunk runs again', async () => {
    h = await createHarness({ chunkSize: 100 });
    const role = h.role('r');
    await h.bucket('src');
    await h.bucket('rep');
    await h.seed('src', [{ key: 'a' }, { key: 'b' }, { key: 'c' }]);
    await h.putText('src', 'm.csv', 'src,a\nsrc,b\nsrc,c\n');
    const id = await h.createJob({
      operation: TAG_OP,
      manifest: { bucket: 'src', object: 'm.csv' },
      report: { bucket: 'rep' },
      roleArn: role,
      confirmationRequired: true,
    });
    await h.waitFor(id, ['Suspended']);
    // What a kill -9 leaves: one task committed, two more rows appended to the shard but never committed.
    const committed = 'src,a,,succeeded,,200,\n';
    const file = shardPath(h.dir, id, 0);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${committed}src,b,,succeeded,,200,\nsrc,c,,succeeded,,200,\n`);
    h.db
      .prepare('UPDATE chunks SET cursor = 1, succeeded = 1, shard_bytes = ? WHERE job_id = ?')
      .run(Buffer.byteLength(committed), id);
    h.db.prepare('UPDATE jobs SET succeeded_tasks = 1 WHERE job_id = ?').run(id);
    await h.updateStatus(id, 'Cancelled');
    const job = await h.waitFor(id, ['Cancelled', 'Failed']);
    expect([job.status, job.succeededTasks]).toEqual(['Cancelled', 1]);
    const { rows } = await readReport(h, 'rep', '', id);
    expect(rows.map((r) => r[1])).toEqual(['a']);
  });

  it('never re-claims an expired lease this process holds (its worker may still be writing the shard)', async () => {
    h = await createHarness({ chunkSize: 100 });
    const role = h.role('r');
    await h.bucket('src');
    await h.seed('src', [{ key: 'a' }]);
    await h.putText('src', 'm.csv', 'src,a\n');
    const id = await h.createJob({
      operation: TAG_OP,
      manifest: { bucket: 'src', object: 'm.csv' },
      roleArn: role,
      confirmationRequired: true,
    });
    await h.waitFor(id, ['Suspended']);
    await h.engine.stop(); // from here on only this test claims
    h.db.prepare("UPDATE jobs SET status = 'Active' WHERE job_id = ?").run(id);
    const chunks = createSqliteChunkRepo(h.db);
    expect(chunks.claim('me', 1000, 10, 1)).toHaveLength(1);
    // The lease expired (a stall or a clock jump past leaseMs) while "me" is still running the chunk.
    expect(chunks.claim('me', 5000, 10, 1)).toHaveLength(0);
    const other = chunks.claim('another-process', 5000, 10, 1);
    expect(other.map((c) => c.attempt)).toEqual([2]);
  });
});
