import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/protocol/clock.js';
import { startServer } from '../../../src/server.js';
import { testConfig } from '../../helpers/server.js';
import { md5Hex, readAll } from '../contract/harness.js';
import { makeRemoteHarness, STORE_KEY } from './remote-harness.js';
import { S3RVER_KEY, startS3rver } from './s3rver-store.js';
import { startThrottlingProxy } from './throttling-proxy.js';

/** Large writes (reports) go up in parts; the bytes read back exactly. */
let dispose: (() => Promise<void>) | undefined;
afterEach(async () => {
  await dispose?.();
  dispose = undefined;
});

const MiB = 1024 * 1024;

describe('multipart uploads of large bodies', () => {
  it('S3: lib-storage Upload in 5 MiB parts (s3rver), streamed back whole and by range', async () => {
    const s3 = await startS3rver();
    // Counts the UploadPart requests on their way to s3rver.
    const proxy = await startThrottlingProxy(s3.port, 0, (req) => /[?&]partNumber=/.test(req.url ?? ''));
    const h = await makeRemoteHarness(
      {
        store: `s3+http://127.0.0.1:${proxy.port}`,
        config: { storeAccessKeyId: S3RVER_KEY.id, storeAccessKeySecret: S3RVER_KEY.secret },
        multipartThreshold: 6 * MiB,
        partSize: 5 * MiB,
      },
      new ManualClock(Date.now()),
      0,
      async () => {
        await proxy.close();
        await s3.stop();
      },
    );
    dispose = () => h.dispose();
    await h.store.createBucket({ name: 'reports', owner: '1', acl: 'private', storageClass: 'Standard' });
    const data = randomBytes(11 * MiB + 123);
    const meta = await h.store.putObject({ bucket: 'reports', key: 'big.csv', body: Readable.from([data]) });
    expect(proxy.passed()).toBe(3);
    expect(meta.size).toBe(data.length);
    expect((await readAll(h.store.readObject(meta))).equals(data)).toBe(true);
    const slice = await readAll(h.store.readObject(meta, { start: 5 * MiB - 3, end: 5 * MiB + 3 }));
    expect(slice.equals(data.subarray(5 * MiB - 3, 5 * MiB + 4))).toBe(true);
  }, 60_000);

  it('OSS: multipart when the store has it, one PUT when it does not; the bytes arrive whole', async () => {
    const clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-remote-'));
    const remote = await startServer(
      testConfig(dir, { rootAccessKeyId: STORE_KEY.id, rootAccessKeySecret: STORE_KEY.secret }),
      { clock },
    );
    const h = await makeRemoteHarness(
      { store: `oss+http://127.0.0.1:${remote.port}`, multipartThreshold: 300 * 1024, partSize: 100 * 1024 },
      clock,
      0,
      async () => {
        await remote.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    );
    dispose = () => h.dispose();
    await h.store.createBucket({ name: 'reports', owner: '1', acl: 'private', storageClass: 'Standard' });
    const data = randomBytes(Math.floor(1.5 * MiB));
    const meta = await h.store.putObject({ bucket: 'reports', key: 'big.csv', body: Readable.from([data]) });
    expect(meta.size).toBe(data.length);
    expect((await readAll(h.store.readObject(meta))).equals(data)).toBe(true);
    expect(
      md5Hex(await readAll(remote.store.readObject((await remote.store.headObject('reports', 'big.csv'))!))),
    ).toBe(md5Hex(data));
  }, 60_000);
});
