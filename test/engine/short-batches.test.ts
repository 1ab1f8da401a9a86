import { afterEach, describe, expect, it } from 'vitest';
import { SHORT_TASK_BATCH, TASK_BATCH } from '../../src/engine/chunk-worker.js';
import { createHarness, readReport, TAG_OP, type Harness } from './harness.js';

/**
 * A batch the gate grants with `hurry` (a request waits for a reply behind it) runs SHORT_TASK_BATCH tasks
 * of the manifest read it is in, and the rest of that read in later batches: every task still runs once,
 * counted and reported once, and the committed cursor stays exact across a stop between two short batches.
 */
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const N = 1_200;
const key = (i: number): string => `o/${String(i).padStart(5, '0')}`;

/** A harness whose gate asks `hurry(grantNumber)`, one chunk of N tasks, and the store's batch sizes. */
async function setup(hurry: (grant: number) => boolean, onGrant?: (grant: number) => void) {
  let grants = 0;
  h = await createHarness({
    chunkSize: N,
    workers: 1,
    beforeBatch: (grant) => {
      grants += 1;
      onGrant?.(grants);
      grant(hurry(grants));
    },
  });
  await h.bucket('src');
  await h.bucket('rep');
  const all = Array.from({ length: N }, (_, i) => key(i));
  await h.seed(
    'src',
    all.map((k) => ({ key: k })),
  );
  await h.putText('src', 'm.csv', all.map((k) => `src,${encodeURIComponent(k)}\n`).join(''));
  const sizes: number[] = [];
  const store = h.store;
  const applyBatch = store.applyBatch.bind(store);
  store.applyBatch = (changes) => {
    sizes.push(changes.length);
    return applyBatch(changes);
  };
  const roleArn = await h.role('r');
  return { sizes, roleArn };
}

async function runJob(harness: Harness, roleArn: string, until: 'Complete' | 'Active' = 'Complete') {
  const id = await harness.createJob({
    operation: TAG_OP,
    manifest: { bucket: 'src', object: 'm.csv' },
    report: { bucket: 'rep', prefix: 'r/' },
    roleArn,
  });
  await harness.waitFor(id, [until]);
  return id;
}

async function expectExact(harness: Harness, id: string): Promise<void> {
  const job = await harness.job(id);
  expect(job.status).toBe('Complete');
  expect([job.succeededTasks, job.failedTasks, job.totalTasks]).toEqual([N, 0, N]);
  const { rows } = await readReport(harness, 'rep', 'r/', id);
  const keys = rows.map((r) => decodeURIComponent(r[1] ?? ''));
  expect(keys.length).toBe(N);
  expect(new Set(keys).size).toBe(N);
  expect(rows.every((r) => r[3] === 'succeeded')).toBe(true);
}

describe('short batches while a request waits for a reply', () => {
  it('runs SHORT_TASK_BATCH tasks in a hurried batch and the rest of the read after it', async () => {
    // Every other grant hurried: 100 of a 500-task read, then the other 400 in one batch.
    const { sizes, roleArn } = await setup((n) => n % 2 === 1);
    const id = await runJob(h!, roleArn);
    await expectExact(h!, id);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(N);
    expect(sizes.filter((s) => s === SHORT_TASK_BATCH).length).toBeGreaterThanOrEqual(2);
    expect(sizes).toContain(TASK_BATCH - SHORT_TASK_BATCH);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(TASK_BATCH);
  });

  it('runs whole reads when nobody hurries it', async () => {
    const { sizes, roleArn } = await setup(() => false);
    const id = await runJob(h!, roleArn);
    await expectExact(h!, id);
    expect(sizes).toEqual([TASK_BATCH, TASK_BATCH, N - 2 * TASK_BATCH]);
  });

  it('commits the cursor between two short batches and resumes there after a stop', async () => {
    // Hurried throughout; the engine stops as the third batch is granted, after two short ones.
    let stopping: Promise<void> | undefined;
    const { sizes, roleArn } = await setup(
      () => true,
      (n) => {
        if (n === 3) stopping = h!.engine.stop();
      },
    );
    const id = await h!.createJob({
      operation: TAG_OP,
      manifest: { bucket: 'src', object: 'm.csv' },
      report: { bucket: 'rep', prefix: 'r/' },
      roleArn,
    });
    const deadline = Date.now() + 20_000;
    while (stopping === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    await stopping;
    expect(sizes).toEqual([SHORT_TASK_BATCH, SHORT_TASK_BATCH]);
    const [chunk] = await h!.backend.chunks.listUnfinishedChunks(id);
    expect(chunk?.cursor).toBe(2 * SHORT_TASK_BATCH);

    await h!.engine.start();
    await h!.waitFor(id, ['Complete']);
    await expectExact(h!, id);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(N);
    expect(Math.max(...sizes)).toBe(SHORT_TASK_BATCH);
  });
});
