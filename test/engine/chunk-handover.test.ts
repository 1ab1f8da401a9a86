import { afterEach, describe, expect, it } from 'vitest';
import type { ShardWriter } from '../../src/engine/shard-store.js';
import { createHarness, readReport, seedAbcJob, TAG_OP, type Harness } from './harness.js';

let h: Harness | undefined;
let releaseHeld: (() => void) | undefined;
afterEach(async () => {
  releaseHeld?.(); // a failed test must not leave the engine's stop waiting for a held flush
  releaseHeld = undefined;
  await h?.close();
  h = undefined;
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(what: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!what() && Date.now() < deadline) await sleep(5);
  expect(what()).toBe(true);
}

/**
 * Holds the flushes of the chunks `hold` picks until `release()`: their last flush and commit stay under
 * way. With one task per chunk a chunk's only flush is its last one, so a chunk counts as running tasks
 * from its shard's opening to its flush; `maxRunning` is the most that ever did at once.
 */
function holdFlushes(harness: Harness, hold: (chunkIndex: number) => boolean) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  releaseHeld = release;
  const state = { held: 0, opened: 0, running: 0, maxRunning: 0, release };
  const shards = harness.backend.shards;
  const openWriter = shards.openWriter.bind(shards);
  shards.openWriter = async (ref, seed) => {
    const real = await openWriter(ref, seed);
    state.opened += 1;
    state.running += 1;
    state.maxRunning = Math.max(state.maxRunning, state.running);
    let ran = false;
    const writer: ShardWriter = {
      get size() {
        return real.size;
      },
      append: (rows) => real.append(rows),
      flush: async () => {
        if (!ran) state.running -= 1;
        ran = true;
        if (hold(ref.chunkIndex)) {
          state.held += 1;
          await gate;
        }
        await real.flush();
      },
      close: () => real.close(),
    };
    return writer;
  };
  return state;
}

const leasedGauge = async (harness: Harness): Promise<number> =>
  (await harness.registry.getSingleMetric('ossbatch_chunks_leased')?.get())?.values[0]?.value ?? NaN;

async function abcJob(harness: Harness, role: string): Promise<string> {
  return harness.createJob({
    operation: TAG_OP,
    manifest: { bucket: 'src', object: 'm.csv' },
    report: { bucket: 'rep' },
    roleArn: role,
  });
}

function doneCommits(harness: Harness): number[] {
  const committed: number[] = [];
  harness.engine.events.on('chunk-committed', (e) => {
    if (e.next === 'done') committed.push(e.chunkIndex);
  });
  return committed;
}

async function passes(harness: Harness, n: number): Promise<void> {
  let seen = 0;
  harness.engine.events.on('pass-done', () => (seen += 1));
  await until(() => seen >= n);
}

/**
 * One worker slot, one task per chunk, chunk 0's last flush held: returns once chunks 1 and 2 committed.
 * They can only run because chunk 0 gave its slot up when its task ran, before its last flush and commit
 * were done; before, they waited for that commit (and this never returned).
 */
async function runPastHeldChunkZero() {
  h = await createHarness({ chunkSize: 1, workers: 1, tickMs: 20 });
  const role = await seedAbcJob(h);
  const flush = holdFlushes(h, (chunk) => chunk === 0);
  const committed = doneCommits(h);
  const id = await abcJob(h, role);
  await until(() => committed.length === 2);
  return { harness: h, flush, committed, id };
}

describe('a chunk hand-over', () => {
  it('starts the next chunk while the last one still commits, and the job waits for that commit', async () => {
    const { harness: h, flush, committed, id } = await runPastHeldChunkZero();
    expect([flush.held, [...committed].sort()]).toEqual([1, [1, 2]]);
    expect(flush.maxRunning).toBe(1); // one slot: never two chunks running tasks at once
    // Chunk 0 is still leased and not done: the job neither completes nor settles around it.
    expect(await leasedGauge(h)).toBe(1);
    await passes(h, 5);
    expect((await h.job(id)).status).toBe('Active');
    flush.release();
    const job = await h.waitFor(id, ['Complete', 'Failed', 'Cancelled'], 10_000);
    expect([job.status, job.succeededTasks, job.failedTasks]).toEqual(['Complete', 3, 0]);
    expect(committed).toEqual([1, 2, 0]);
    const { rows } = await readReport(h, 'rep', '', id);
    expect(rows.map((r) => r[1]).sort()).toEqual(['a', 'b', 'c']);
    expect(await leasedGauge(h)).toBe(0);
  });

  it('keeps a cancelled job Cancelling until the commit lands, even with no live lease in the database', async () => {
    const { harness: h, flush, id } = await runPastHeldChunkZero();
    await h.updateStatus(id, 'Cancelled');
    // Past the lease: only this engine's own count of the chunk keeps the job from settling without it.
    h.clock.advance(h.config.leaseMs + 1000);
    await passes(h, 8);
    expect((await h.job(id)).status).toBe('Cancelling');
    flush.release();
    const job = await h.waitFor(id, ['Cancelled', 'Complete', 'Failed'], 10_000);
    expect([job.status, job.succeededTasks, job.failedTasks]).toEqual(['Cancelled', 3, 0]);
    const { rows } = await readReport(h, 'rep', '', id);
    expect(rows.map((r) => r[1]).sort()).toEqual(['a', 'b', 'c']);
  });

  it('holds at most twice `workers` leases while commits stall', async () => {
    h = await createHarness({ chunkSize: 1, workers: 1, tickMs: 20 });
    const role = await seedAbcJob(h, 'src,a\nsrc,b\nsrc,c\nsrc,a\nsrc,b\nsrc,c\n');
    const flush = holdFlushes(h, () => true);
    let claims = 0;
    h.engine.events.on('chunk-claimed', () => (claims += 1));
    const id = await abcJob(h, role);
    await until(() => flush.held === 2);
    await passes(h, 5);
    // Chunk 0 commits, chunk 1 finished its tasks and commits too: no slot for a third until one lands.
    expect([claims, flush.held, await leasedGauge(h)]).toEqual([2, 2, 2]);
    flush.release();
    const job = await h.waitFor(id, ['Complete', 'Failed', 'Cancelled'], 10_000);
    expect([job.status, job.succeededTasks, flush.maxRunning]).toEqual(['Complete', 6, 1]);
  });

  it('stop() waits for the claim a hand-over started, and starts nothing it claimed', async () => {
    h = await createHarness({ chunkSize: 1, workers: 1, tickMs: 3_600_000 });
    const role = await seedAbcJob(h);
    const flush = holdFlushes(h, (chunk) => chunk === 0);
    // The hand-over's claim is slower than chunk 0's commit: it is still out when stop() has its commit.
    let openClaim!: () => void;
    const claimGate = new Promise<void>((r) => (openClaim = r));
    const chunks = h.backend.chunks;
    const claim = chunks.claim.bind(chunks);
    let slowClaims = 0;
    chunks.claim = async (...args) => {
      if (flush.held > 0) {
        slowClaims += 1;
        await claimGate;
      }
      return claim(...args);
    };
    let stopped = false;
    const late: number[] = [];
    h.engine.events.on('chunk-claimed', (e) => {
      if (stopped) late.push(e.chunkIndex);
    });
    const id = await abcJob(h, role);
    await until(() => flush.held === 1 && slowClaims === 1);
    const opened = flush.opened;
    let stopReturned = false;
    const stopping = h.engine.stop().then(() => (stopReturned = true));
    flush.release();
    await sleep(50);
    expect(stopReturned).toBe(false); // the claim is still out
    openClaim();
    await stopping;
    stopped = true;
    await sleep(100);
    expect(late).toEqual([]);
    // What the claim took was given back untouched (never opened), and no chunk of the job is left leased.
    expect(flush.opened).toBe(opened);
    expect(await h.backend.chunks.countLiveLeases(id, h.clock.now())).toBe(0);
  });
});
