import { gunzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InventoryConfig } from '../../src/inventory/model.js';
import { runInventory } from '../../src/inventory/run.js';
import { createHarness, readReport, TAG_OP, type Harness } from './harness.js';

let h: Harness;
let role: string;
beforeEach(async () => {
  h = await createHarness({ chunkSize: 2 });
  await h.bucket('src');
  await h.bucket('dest');
  role = await h.role('batch');
});
afterEach(async () => {
  await h.close();
});

const config = (over: Partial<InventoryConfig> = {}): InventoryConfig => ({
  id: 'inv',
  isEnabled: true,
  filter: { prefix: '' },
  destination: { format: 'CSV', accountId: '1', roleArn: 'acs:ram::1:role/r', bucket: 'dest', prefix: 'x/' },
  frequency: 'Daily',
  includedVersions: 'Current',
  optionalFields: ['Size', 'TaggingCount'],
  ...over,
});

async function bytes(bucket: string, key: string): Promise<Buffer> {
  const meta = await h.store.headObject(bucket, key);
  if (!meta) throw new Error(`${key} missing`);
  const parts: Buffer[] = [];
  for await (const c of h.store.readObject(meta)) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

describe('inventory run → batch job', () => {
  it('splits rows across data files (each row once) and a job over the manifest runs every listed object', async () => {
    const keys = ['a', 'b c', 'd/e', 'f+g', 'ü'];
    for (const key of keys)
      await h.store.putObject({ bucket: 'src', key, body: Readable.from([Buffer.from(key)]) });
    const run = await runInventory({ store: h.store, clock: h.clock }, 'src', config(), 2);
    expect([run.rows, run.files.length]).toEqual([5, 3]);
    expect(run.files.map((f) => f.key)).toEqual([
      expect.stringMatching(/^x\/src\/inv\/data\/[0-9a-f-]+\.csv\.gz$/),
      expect.stringMatching(/-1\.csv\.gz$/),
      expect.stringMatching(/-2\.csv\.gz$/),
    ]);
    const lines: string[] = [];
    for (const f of run.files)
      lines.push(
        ...gunzipSync(await bytes('dest', f.key))
          .toString()
          .trim()
          .split('\n'),
      );
    expect(lines.map((l) => decodeURIComponent(l.split(',')[1]!.slice(1, -1))).sort()).toEqual(
      [...keys].sort(),
    );
    expect(lines[0]).toBe('"src","a","1","0"');
    await h.putText('src', 'late', 'not listed');
    const id = await h.createJob({
      operation: TAG_OP,
      manifest: { bucket: 'dest', object: run.manifestKey, format: 'OSS_InventoryReport_CSV_20250611' },
      report: { bucket: 'dest', prefix: 'r/' },
      roleArn: role,
    });
    const job = await h.waitFor(id, ['Complete', 'Failed']);
    expect([job.status, job.totalTasks, job.succeededTasks]).toEqual(['Complete', 5, 5]);
    const { rows } = await readReport(h, 'dest', 'r/', id);
    expect(rows.map((r) => decodeURIComponent(r[1] ?? '')).sort()).toEqual([...keys].sort());
    expect((await h.store.headObject('src', 'late'))?.tags).toEqual([]);
  });

  it('fails cleanly (no hang) when the destination bucket is gone', async () => {
    await h.putText('src', 'k', 'v');
    await expect(
      runInventory(
        { store: h.store, clock: h.clock },
        'src',
        config({ destination: { ...config().destination, bucket: 'gone' } }),
      ),
    ).rejects.toMatchObject({ code: 'NoSuchBucket' });
  });
});
