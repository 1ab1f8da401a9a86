import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, readReport, seedAbcJob, TAG_OP, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Suspended → Ready → Active through the repo port (what the scheduler does), with the engine stopped. */
async function activate(harness: Harness, jobId: string): Promise<void> {
  const now = harness.clock.now();
  await harness.repo.transition({ jobId, from: ['Suspended'], to: 'Ready', now });
  await harness.repo.transition({ jobId, from: ['Ready'], to: 'Active', now });
}

describe('report integrity', () => {
  it('reports only committed shard rows when a job settles before a crashed chunk runs again', async () => {
    h = await createHarness({ chunkSize: 100 });
    const role = await seedAbcJob(h);
    const id = await h.createJob({
      operation: TAG_OP,
      manifest: { bucket: 'src', object: 'm.csv' },
      report: { bucket: 'rep' },
      roleArn: role,
      confirmationRequired: true,
    });
    await h.waitFor(id, ['Suspended']);
    await h.engine.stop();
    await activate(h, id);
    // What a kill -9 leaves: one task committed, two more rows appended to the shard but never committed,
    // and a lease nobody renews (already expired here, so the test need not wait out its TTL).
    const [chunk] = await h.backend.chunks.claim('crashed-process', h.clock.now(), h.config.leaseMs, 1);
    if (!chunk) throw new Error('no chunk to claim');
    const committed = 'src,a,,succeeded,,200,\n';
    const ref = { jobId: id, chunkIndex: chunk.chunkIndex, attempt: chunk.attempt };
    const shard = await h.backend.shards.openWriter(ref, {
      attempt: chunk.shardAttempt,
      bytes: chunk.shardBytes,
    });
    shard.append(Buffer.from(committed));
    shard.append(Buffer.from('src,b,,succeeded,,200,\nsrc,c,,succeeded,,200,\n'));
    await shard.flush();
    await shard.close();
    const result = await h.backend.chunks.commit({
      ...ref,
      cursor: 1,
      succeeded: 1,
      failed: 0,
      shardBytes: Buffer.byteLength(committed),
      shardAttempt: chunk.attempt,
      succeededDelta: 1,
      failedDelta: 0,
      next: 'keep',
      leaseExpiresAt: h.clock.now() - 1,
    });
    expect(result.ok).toBe(true);
    await h.engine.start();
    await h.updateStatus(id, 'Cancelled');
    const job = await h.waitFor(id, ['Cancelled', 'Failed']);
    expect([job.status, job.succeededTasks]).toEqual(['Cancelled', 1]);
    const { rows } = await readReport(h, 'rep', '', id);
    expect(rows.map((r) => r[1])).toEqual(['a']);
  });

  it('never re-claims an expired lease this process holds (its worker may still be writing the shard)', async () => {
    h = await createHarness({ chunkSize: 100 });
    const role = await h.role('r');
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
    await activate(h, id);
    const chunks = h.backend.chunks;
    expect(await chunks.claim('me', 1000, 10, 1)).toHaveLength(1);
    // The lease expired (a stall or a clock jump past leaseMs) while "me" is still running the chunk.
    expect(await chunks.claim('me', 5000, 10, 1)).toHaveLength(0);
    const other = await chunks.claim('another-process', 5000, 10, 1);
    expect(other.map((c) => c.attempt)).toEqual([2]);
  });
});

describe('report keys at the byte limit', () => {
  it('a Report/Prefix of 930 bytes (the most CreateJob accepts) gives report keys of exactly 1023 bytes', async () => {
    h = await createHarness({ chunkSize: 100 });
    // One row names a missing object: a failed task, so both results files (succeeded and failed) are written.
    const role = await seedAbcJob(h, 'src,a\nsrc,b\nsrc,c\nsrc,missing\n');
    const prefix = 'é'.repeat(465); // 465 characters, 930 bytes in UTF-8
    const id = await h.createJob({
      operation: TAG_OP,
      manifest: { bucket: 'src', object: 'm.csv' },
      report: { bucket: 'rep', prefix },
      roleArn: role,
    });
    const done = await h.waitFor(id, ['Complete', 'Failed']);
    expect([done.status, done.succeededTasks, done.failedTasks]).toEqual(['Complete', 3, 1]);
    const { manifest, rows } = await readReport(h, 'rep', prefix, id);
    expect(rows).toHaveLength(4);
    expect(manifest.Results.map((r) => Buffer.byteLength(r.Key))).toEqual([1023, 1023]);
  });
});
