import { afterEach, describe, expect, it } from 'vitest';
import type { ShardWriter } from '../../src/engine/shard-store.js';
import { createHarness, readReport, seedAbcJob, TAG_OP, type Harness } from './harness.js';

let h: Harness | undefined;
let releaseHeld: (() => void) | undefined;
afterEach(async () => {
  releaseHeld?.(); // a failed test must not leave the engine's stop waiting for the held flush
  await h?.close();
  h = undefined;
});

/** Holds every flush of chunk 0's shard until `release()`: its last flush and commit stay under way. */
function holdChunkZeroFlush(harness: Harness): { held: () => boolean; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let held = false;
  const shards = harness.backend.shards;
  const openWriter = shards.openWriter.bind(shards);
  shards.openWriter = async (ref, seed) => {
    const real = await openWriter(ref, seed);
    if (ref.chunkIndex !== 0) return real;
    const holding: ShardWriter = {
      get size() {
        return real.size;
      },
      append: (rows) => real.append(rows),
      flush: async () => {
        held = true;
        await gate;
        await real.flush();
      },
      close: () => real.close(),
    };
    return holding;
  };
  return { held: () => held, release };
}

const leasedGauge = async (harness: Harness): Promise<number> =>
  (await harness.registry.getSingleMetric('ossbatch_chunks_leased')?.get())?.values[0]?.value ?? NaN;

describe('a chunk hand-over', () => {
  it('starts the next chunk while the last one still commits, and the job waits for that commit', async () => {
    h = await createHarness({ chunkSize: 1, workers: 1, tickMs: 20 });
    const role = await seedAbcJob(h);
    const flush = holdChunkZeroFlush(h);
    releaseHeld = flush.release;
    const committed: number[] = [];
    h.engine.events.on('chunk-committed', (e) => {
      if (e.next === 'done') committed.push(e.chunkIndex);
    });
    const id = await h.createJob({
      operation: TAG_OP,
      manifest: { bucket: 'src', object: 'm.csv' },
      report: { bucket: 'rep' },
      roleArn: role,
    });
    // One worker slot: chunks 1 and 2 can only run because chunk 0 gave its slot up when its task ran,
    // before its last flush and commit (held here) were done. Before, they waited for that commit.
    const deadline = Date.now() + 10_000;
    while (committed.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(flush.held()).toBe(true);
    expect(committed.sort()).toEqual([1, 2]);
    // Chunk 0 is still leased here and not done: the job neither completes nor settles around it, however
    // many passes run meanwhile.
    expect(await leasedGauge(h)).toBe(1);
    let passes = 0;
    h.engine.events.on('pass-done', () => (passes += 1));
    while (passes < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(passes).toBeGreaterThanOrEqual(5);
    expect((await h.job(id)).status).toBe('Active');
    flush.release();
    const job = await h.waitFor(id, ['Complete', 'Failed', 'Cancelled'], 10_000);
    expect([job.status, job.succeededTasks, job.failedTasks]).toEqual(['Complete', 3, 0]);
    expect(committed).toEqual([1, 2, 0]);
    const { rows } = await readReport(h, 'rep', '', id);
    expect(rows.map((r) => r[1]).sort()).toEqual(['a', 'b', 'c']);
    expect(await leasedGauge(h)).toBe(0);
  });
});
