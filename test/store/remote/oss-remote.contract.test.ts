import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isReadable, restoreStatus } from '../../../src/store/builtin/index.js';
import { ManualClock } from '../../../src/protocol/clock.js';
import { startServer } from '../../../src/server.js';
import { testConfig } from '../../helpers/server.js';
import { ALL_CAPS, runObjectStoreContract } from '../object-store-contract.js';
import { makeRemoteHarness, STORE_KEY } from './remote-harness.js';

const RESTORE_MS = 2000;

/**
 * The OSS adapter (ali-oss on the wire) against a real ossbatch server (embedded: SQLite + files in a temp
 * data dir, known root keys) as the remote store. Both sides share one ManualClock, started on a whole
 * second (HTTP dates carry seconds) near real time (signatures allow 15 minutes of skew).
 */
async function makeOssHarness() {
  const clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-remote-'));
  const remote = await startServer(
    testConfig(dir, {
      rootAccessKeyId: STORE_KEY.id,
      rootAccessKeySecret: STORE_KEY.secret,
      restoreDurationMs: RESTORE_MS,
    }),
    { clock },
  );
  return makeRemoteHarness({ store: `oss+http://127.0.0.1:${remote.port}` }, clock, RESTORE_MS, async () => {
    await remote.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
}

// Seeding 2,500 real objects through a remote store takes seconds (s3rver: ~20 s on a busy 2-core machine).
vi.setConfig({ testTimeout: 180_000 });

runObjectStoreContract('OSS adapter over an ossbatch server', makeOssHarness, {
  ...ALL_CAPS,
  // An unversioned bucket's objects are all the null version (versioning is passed through: versions).
  versionIds: false,
  // x-oss-restore carries only ongoing/expiry.
  restoreDetail: false,
  // Real objects of zeros.
  metadataOnlySeed: false,
  // ali-oss folds `.` / `..` URL segments; the adapter refuses such names instead of addressing another key.
  dotSegmentKeys: false,
});

describe('OSS adapter: restore state from x-oss-restore', () => {
  let dispose: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await dispose?.();
  });

  it('walks frozen → restoring → restored (readable, with the expiry) → extended, as the store reports it', async () => {
    const h = await makeOssHarness();
    dispose = () => h.dispose();
    const s = h.store;
    await s.createBucket({ name: 'cold', owner: '1', acl: 'private', storageClass: 'Standard' });
    await s.putObject({
      bucket: 'cold',
      key: 'k',
      body: Readable.from([Buffer.from('zz')]),
      storageClass: 'ColdArchive',
    });
    let meta = (await s.headObject('cold', 'k'))!;
    expect(restoreStatus(meta, h.clock.now())).toBe('frozen');
    expect(isReadable(meta, h.clock.now())).toBe(false);
    expect(await s.restoreObject('cold', 'k', 2, 'Standard')).toBe('accepted');
    meta = (await s.headObject('cold', 'k'))!;
    expect(restoreStatus(meta, h.clock.now())).toBe('restoring');
    h.clock.advance(RESTORE_MS);
    meta = (await s.headObject('cold', 'k'))!;
    expect(restoreStatus(meta, h.clock.now())).toBe('restored');
    expect(isReadable(meta, h.clock.now())).toBe(true);
    expect(meta.restore?.expiresAt).toBe(h.clock.now() + 2 * 86_400_000);
    expect(await s.restoreObject('cold', 'k', 5, undefined)).toBe('extended');
    expect((await s.headObject('cold', 'k'))?.restore?.expiresAt).toBe(h.clock.now() + 5 * 86_400_000);
  });
});
