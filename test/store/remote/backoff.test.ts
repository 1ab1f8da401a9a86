import { afterEach, describe, expect, it } from 'vitest';
import type { ObjectChange } from '../../../src/store/object-store.js';
import { openRemote } from './open-remote.js';
import { emptyBucketList, s3Error, startWireServer, type Answer, type Reply } from './wire-server.js';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function s3Against(answer: Answer, concurrency = 64) {
  const server = await startWireServer((r) =>
    r.method === 'GET' && r.path === '/' ? emptyBucketList : answer(r),
  );
  const remote = await openRemote(`s3+http://127.0.0.1:${server.port}`, {
    retry: { attempts: 12, baseMs: 1, capMs: 8 },
    config: { storeConcurrency: concurrency },
  });
  cleanup.push(
    () => server.close(),
    () => remote.close(),
  );
  return { store: remote.store, seen: server.seen };
}

const tagChanges = (n: number): ObjectChange[] =>
  Array.from({ length: n }, (_, i) => ({
    bucket: 'bkt',
    key: `k${String(i).padStart(3, '0')}`,
    op: { kind: 'putTags', tags: [{ key: 'n', value: String(i) }] },
  }));

describe('backoff on a throttling store', () => {
  it('retries 503 SlowDown, 429 and resets until the store recovers, losing no change', async () => {
    let refusals = 0;
    const failures: Reply[] = [
      s3Error(503, 'SlowDown', 'Please reduce your request rate.'),
      s3Error(429, 'TooManyRequests'),
      s3Error(400, 'RequestTimeout', 'Your socket connection to the server was not read from or written to'),
      { status: 0, reset: true },
    ];
    const { store, seen } = await s3Against(() => {
      // The first 60 requests are refused, in turn with each transient failure.
      if (refusals < 60) return failures[refusals++ % failures.length]!;
      return { status: 200 };
    });
    const changes = tagChanges(25);
    const r = await store.applyBatch(changes);
    expect(r).toEqual(changes.map(() => ({ ok: true })));
    const tagging = seen.filter((x) => x.method === 'PUT' && x.query.has('tagging'));
    expect(tagging.length).toBe(60 + 25);
    // Every change's last request carried its own tag set.
    for (const [i, c] of changes.entries()) {
      const last = tagging.filter((x) => x.path === `/bkt/${c.key}`).at(-1);
      expect(last?.body).toContain(`<Value>${i}</Value>`);
    }
  });

  it('gives up after the policy and reports the failure as retryable (the engine retries it later)', async () => {
    const { store, seen } = await s3Against(() => s3Error(503, 'SlowDown'));
    const [r] = await store.applyBatch(tagChanges(1));
    expect(r).toMatchObject({ ok: false, code: 'ServiceUnavailable', status: 503, retryable: true });
    expect(seen.filter((x) => x.method === 'PUT')).toHaveLength(12);
  });

  it('does not retry a permanent refusal', async () => {
    const { store, seen } = await s3Against(() => s3Error(404, 'NoSuchKey'));
    const [r] = await store.applyBatch(tagChanges(1));
    expect(r).toMatchObject({ ok: false, code: 'NoSuchKey', retryable: false });
    expect(seen.filter((x) => x.method === 'PUT')).toHaveLength(1);
  });
});

describe('bounded concurrency', () => {
  it('keeps exactly --store-concurrency calls in flight across concurrent batches', async () => {
    const LIMIT = 4;
    const TOTAL = 24;
    let inFlight = 0;
    let maxInFlight = 0;
    let answered = 0;
    let held: (() => void)[] = [];
    const { store } = await s3Against(
      () =>
        new Promise<Reply>((resolve) => {
          inFlight += 1;
          maxInFlight = Math.max(maxInFlight, inFlight);
          held.push(() => {
            inFlight -= 1;
            answered += 1;
            resolve({ status: 200 });
          });
          // Answer a whole round once the limit is reached (or the last, smaller round is all in), a little
          // later: a limiter that let more through would show them arriving meanwhile (maxInFlight > LIMIT).
          if (held.length === LIMIT || answered + held.length === TOTAL) {
            const round = held;
            held = [];
            setTimeout(() => {
              for (const release of round) release();
            }, 25);
          }
        }),
      LIMIT,
    );
    const [a, b] = await Promise.all([
      store.applyBatch(tagChanges(TOTAL / 2)),
      store.applyBatch(tagChanges(TOTAL / 2).map((c) => ({ ...c, key: `x${c.key}` }))),
    ]);
    expect([...(a ?? []), ...(b ?? [])].every((x) => x.ok)).toBe(true);
    expect(answered).toBe(TOTAL);
    expect(maxInFlight).toBe(LIMIT);
  });
});
