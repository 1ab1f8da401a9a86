import { afterEach, describe, expect, it } from 'vitest';
import type { ShardWriter } from '../../src/engine/shard-store.js';
import { createHarness, readReport, seedAbcJob, TAG_OP, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/**
 * The first attempt's shard takes every row but never makes them durable: a disk that filled up, seen at
 * flush (fdatasync), after the rows' tasks were counted. It keeps failing, as a disk that stays full does
 * (and a retried fdatasync after a failed one proves nothing). Returns how many flushes failed.
 */
function failFirstAttemptFlushes(harness: Harness): { failed: number } {
  const count = { failed: 0 };
  const shards = harness.backend.shards;
  const openWriter = shards.openWriter.bind(shards);
  shards.openWriter = async (ref, seed) => {
    const real = await openWriter(ref, seed);
    if (ref.attempt !== 1) return real;
    const failing: ShardWriter = {
      get size() {
        return real.size;
      },
      append: (rows) => real.append(rows),
      flush: () => {
        count.failed += 1;
        return Promise.reject(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }));
      },
      close: () => real.close(),
    };
    return failing;
  };
  return count;
}

/** Runs the three-object job to its end: Complete, every task once in the counters and the report. */
async function expectEachTaskOnce(harness: Harness, role: string): Promise<void> {
  const id = await harness.createJob({
    operation: TAG_OP,
    manifest: { bucket: 'src', object: 'm.csv' },
    report: { bucket: 'rep' },
    roleArn: role,
  });
  const job = await harness.waitFor(id, ['Complete', 'Failed', 'Cancelled'], 10_000);
  expect([job.status, job.succeededTasks, job.failedTasks]).toEqual(['Complete', 3, 0]);
  const { rows } = await readReport(harness, 'rep', '', id);
  expect(rows.map((r) => r[1]).sort()).toEqual(['a', 'b', 'c']);
}

describe('a report shard that cannot be flushed', () => {
  it('gives the chunk back as last committed; the next attempt reports every task exactly once', async () => {
    h = await createHarness({ chunkSize: 100 });
    const role = await seedAbcJob(h);
    const flushes = failFirstAttemptFlushes(h);
    const released: number[] = [];
    h.engine.events.on('chunk-released', (e) => {
      if (e.reason === 'released') released.push(e.attempt);
    });
    // Without the release at the last commit the chunk stays leased by this process (never re-claimed by
    // it, report-integrity.test.ts) and the job never completes.
    await expectEachTaskOnce(h, role);
    expect(flushes.failed).toBe(1);
    expect(released).toEqual([1]);
  });

  it('gives the chunk back on a later tick when the release commit itself fails (the database refused it)', async () => {
    h = await createHarness({ chunkSize: 100 });
    const role = await seedAbcJob(h);
    failFirstAttemptFlushes(h);
    // The first release commit fails as a full database would; later ones go through.
    const chunks = h.backend.chunks;
    const commit = chunks.commit.bind(chunks);
    let refusedReleases = 0;
    chunks.commit = (progress) => {
      if (progress.next === 'release' && refusedReleases === 0) {
        refusedReleases += 1;
        return Promise.reject(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }));
      }
      return commit(progress);
    };
    // Without the retried release the chunk stays leased by this process, which never re-claims it.
    await expectEachTaskOnce(h, role);
    expect(refusedReleases).toBe(1);
  });
});
