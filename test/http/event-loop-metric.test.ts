import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer();
});
afterAll(async () => {
  await ts.close();
});

async function loopDelay(): Promise<Record<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${ts.port}/-/metrics`)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^ossbatch_event_loop_delay_seconds\{quantile="([^"]+)"\} (\S+)$/gm))
    out[m[1] ?? ''] = Number(m[2]);
  return out;
}

describe('ossbatch_event_loop_delay_seconds', () => {
  it('shows a stall of the event loop, over the window since the previous scrape', async () => {
    await loopDelay();
    // The stall runs in a timer callback, as a blocking call in a request handler would: the loop is then
    // between samples of the histogram's own timer, which fires late by the stall's length.
    await new Promise<void>((done) =>
      setTimeout(() => {
        const until = performance.now() + 300;
        while (performance.now() < until) {
          // A synchronous stall, as a blocking write or a large synchronous read would cause.
        }
        done();
      }, 20),
    );
    await new Promise((r) => setTimeout(r, 50));
    const during = await loopDelay();
    expect(Object.keys(during).sort()).toEqual(['0.5', '0.99', '1']);
    expect(during['1']).toBeGreaterThanOrEqual(0.25);
    await new Promise((r) => setTimeout(r, 100));
    // The next window no longer holds the stall.
    const after = await loopDelay();
    expect(after['1']).toBeLessThan(0.25);
    // Lateness, not the sampling interval: the histogram's raw values are ≥ 10 ms (its resolution) even on an
    // idle loop, so a median under 8 ms shows the resolution is subtracted.
    expect(after['0.5']).toBeLessThan(0.008);
  });
});
