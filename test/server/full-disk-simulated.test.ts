import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedRawRequest, startTestServer, type TestServer } from '../helpers/server.js';
import { SimulatedDisk } from '../helpers/simulated-disk.js';
import { capturingLogger } from '../helpers/tmpfs.js';

const MiB = 1024 * 1024;
const FLOOR = 6 * MiB;

/**
 * Issue 12, "a full disk", through the HTTP API on a simulated disk (the store's test seam), so it runs
 * without root; full-disk.test.ts does the same on a real tmpfs where one can be mounted. Uploads past the
 * free-space floor get 507 InsufficientStorage (logged once); a write that meets a full disk gets 507, not
 * 500; deletes on a disk full to the last byte release the reserve file and succeed; once space is back the
 * reserve is re-created and everything accepted before is intact.
 */
describe('a full data disk, simulated (no root needed)', () => {
  let dataDir: string;
  let disk: SimulatedDisk;
  let ts: TestServer;
  const captured = capturingLogger('warn');
  const accepted = new Map<string, string>();

  const put = (key: string, body: Buffer): ReturnType<typeof signedRawRequest> =>
    signedRawRequest(ts, { method: 'PUT', bucket: 'full', key, body });
  const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex');
  const alarms = (): string[] => captured.lines.filter((l) => l.includes('storage exhausted'));

  async function checkIntact(): Promise<void> {
    for (const [key, sum] of accepted) {
      const got = await signedRawRequest(ts, { method: 'GET', bucket: 'full', key });
      expect(got.status, key).toBe(200);
      expect(md5(got.body), key).toBe(sum);
    }
  }

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-simfull-'));
    disk = new SimulatedDisk(dataDir);
    ts = await startTestServer({
      dataDir,
      logger: captured.logger,
      config: { minFreeBytes: FLOOR },
      diskFaults: disk,
    });
    await ts.client().putBucket('full');
    for (let i = 0; i < 6; i++) {
      const body = Buffer.alloc(64 * 1024, i);
      expect((await put(`obj-${i}`, body)).status).toBe(200);
      accepted.set(`obj-${i}`, md5(body));
    }
  });
  afterAll(async () => {
    await ts?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses uploads below the floor with 507 InsufficientStorage, logged once', async () => {
    expect(fs.existsSync(disk.reservePath)).toBe(true);
    // 32 KiB above the floor: too little for a 1 MiB upload or a copy of a 64 KiB object.
    disk.setFree(FLOOR + 32 * 1024);
    const res = await put('too-big', Buffer.alloc(MiB, 1));
    expect(res.status).toBe(507);
    expect(res.text).toContain('<Code>InsufficientStorage</Code>');
    for (const v4 of [false, true]) {
      await expect(
        ts.client({ bucket: 'full', v4 }).put(`ali-${v4}`, Buffer.alloc(MiB, 2)),
      ).rejects.toMatchObject({ code: 'InsufficientStorage', status: 507 });
    }
    const copy = await signedRawRequest(ts, {
      method: 'PUT',
      bucket: 'full',
      key: 'copy-of-0',
      headers: { 'x-oss-copy-source': '/full/obj-0' },
    });
    expect(copy.status).toBe(507);
    expect(alarms()).toHaveLength(1);
    expect(captured.lines.filter((l) => l.includes('"level":50'))).toEqual([]);
    // Metadata writes and deletes still fit inside the reserve.
    const tag = await signedRawRequest(ts, {
      method: 'PUT',
      bucket: 'full',
      key: 'obj-0',
      subresources: { tagging: '' },
      body: '<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>',
    });
    expect(tag.status).toBe(200);
    await checkIntact();
  });

  it('answers 507, not 500, when the bytes themselves meet a full disk', async () => {
    // statfs still shows room (another process filled the disk after the check): the write fails ENOSPC.
    disk.failWrites();
    const res = await put('meets-enospc', Buffer.alloc(MiB, 3));
    expect(res.status).toBe(507);
    expect(res.text).toContain('<Code>InsufficientStorage</Code>');
    disk.restore();
    expect((await signedRawRequest(ts, { method: 'HEAD', bucket: 'full', key: 'meets-enospc' })).status).toBe(
      404,
    );
  });

  it('deletes on a disk full to the last byte: the reserve is released, the delete succeeds', async () => {
    disk.fillToLastByte();
    expect((await put('while-full', Buffer.alloc(1024, 4))).status).toBe(507);
    expect(fs.existsSync(disk.reservePath)).toBe(true);
    const del = await signedRawRequest(ts, { method: 'DELETE', bucket: 'full', key: 'obj-1' });
    expect(del.status).toBe(204);
    accepted.delete('obj-1');
    // The delete met SQLITE_FULL, freed the reserve and retried.
    expect(fs.existsSync(disk.reservePath)).toBe(false);
    const body =
      '<Delete><Quiet>true</Quiet><Object><Key>obj-2</Key></Object><Object><Key>obj-3</Key></Object></Delete>';
    const multi = await signedRawRequest(ts, {
      method: 'POST',
      bucket: 'full',
      subresources: { delete: '' },
      body,
      headers: { 'content-md5': createHash('md5').update(body).digest('base64') },
    });
    expect(multi.status).toBe(200);
    accepted.delete('obj-2');
    accepted.delete('obj-3');
    for (const key of ['obj-1', 'obj-2', 'obj-3']) {
      expect((await signedRawRequest(ts, { method: 'HEAD', bucket: 'full', key })).status, key).toBe(404);
    }
    expect(captured.lines.filter((l) => l.includes('"level":50'))).toEqual([]);
  });

  it('once space is back, uploads work, the reserve is re-created and everything accepted is intact', async () => {
    disk.restore();
    const body = Buffer.alloc(MiB, 9);
    expect((await put('after', body)).status).toBe(200);
    accepted.set('after', md5(body));
    expect(fs.existsSync(disk.reservePath)).toBe(true);
    await checkIntact();
  });
});
