import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedRawRequest, startTestServer, type TestServer } from '../helpers/server.js';
import {
  TMPFS_UNAVAILABLE,
  capturingLogger,
  fillDisk,
  freeBytes,
  mountTmpfs,
  type Tmpfs,
} from '../helpers/tmpfs.js';

const MiB = 1024 * 1024;
const FLOOR = 6 * MiB;

/**
 * Issue 12, "a full disk", through the HTTP API on a real 40 MiB tmpfs: uploads are refused with 507
 * InsufficientStorage once the free-space floor is reached (logged once, not per attempt); deletes keep
 * working, also after a restart and also when the disk is filled to the last byte by someone else; and
 * every object accepted before is intact, with no metadata pointing at missing bytes.
 */
describe.skipIf(TMPFS_UNAVAILABLE !== undefined)(`a full data disk (${TMPFS_UNAVAILABLE ?? 'tmpfs'})`, () => {
  let fsMount: Tmpfs;
  let ts: TestServer;
  const captured = capturingLogger('warn');
  const accepted = new Map<string, string>();
  const refused: string[] = [];

  const put = (key: string, body: Buffer): ReturnType<typeof signedRawRequest> =>
    signedRawRequest(ts, { method: 'PUT', bucket: 'full', key, body });
  const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex');

  async function checkIntact(): Promise<void> {
    for (const [key, sum] of accepted) {
      const got = await signedRawRequest(ts, { method: 'GET', bucket: 'full', key });
      expect(got.status, key).toBe(200);
      expect(md5(got.body), key).toBe(sum);
    }
    for (const key of refused) {
      expect((await signedRawRequest(ts, { method: 'HEAD', bucket: 'full', key })).status, key).toBe(404);
    }
  }

  beforeAll(async () => {
    fsMount = mountTmpfs(40 * MiB);
    ts = await startTestServer({
      dataDir: fsMount.dir,
      logger: captured.logger,
      config: { minFreeBytes: FLOOR },
    });
    await ts.client().putBucket('full');
  });
  afterAll(async () => {
    await ts?.close();
    fsMount?.unmount();
  });

  it('refuses uploads past the floor with 507 InsufficientStorage, logged once', async () => {
    let status = 0;
    for (let i = 0; i < 60 && status !== 507; i++) {
      const body = Buffer.alloc(MiB, i);
      const res = await put(`obj-${i}`, body);
      status = res.status;
      if (res.status === 200) accepted.set(`obj-${i}`, md5(body));
      else {
        refused.push(`obj-${i}`);
        expect(res.status).toBe(507);
        expect(res.text).toContain('<Code>InsufficientStorage</Code>');
      }
    }
    expect(status).toBe(507);
    expect(accepted.size).toBeGreaterThan(20);
    // Refused at the floor, not at ENOSPC: the reserve for deletes and metadata is still free.
    expect(freeBytes(fsMount.dir)).toBeGreaterThanOrEqual(FLOOR);
    // More refusals, chunked and copied, all refused the same way.
    for (let i = 0; i < 5; i++) {
      const res = await put(`again-${i}`, Buffer.alloc(MiB, 1));
      expect(res.status).toBe(507);
      refused.push(`again-${i}`);
    }
    // What ali-oss users see, V1 and V4.
    for (const v4 of [false, true]) {
      await expect(
        ts.client({ bucket: 'full', v4 }).put(`ali-${v4}`, Buffer.alloc(MiB, 2)),
      ).rejects.toMatchObject({
        code: 'InsufficientStorage',
        status: 507,
      });
      refused.push(`ali-${v4}`);
    }
    const copy = await signedRawRequest(ts, {
      method: 'PUT',
      bucket: 'full',
      key: 'copy-of-0',
      headers: { 'x-oss-copy-source': '/full/obj-0' },
    });
    expect(copy.status).toBe(507);
    refused.push('copy-of-0');
    const alarms = captured.lines.filter((l) => l.includes('storage exhausted'));
    expect(alarms).toHaveLength(1);
    expect(captured.lines.filter((l) => l.includes('"level":50'))).toHaveLength(0);
    await checkIntact();
  });

  it('keeps metadata writes and deletes working inside the reserve', async () => {
    const tag = await signedRawRequest(ts, {
      method: 'PUT',
      bucket: 'full',
      key: 'obj-0',
      subresources: { tagging: '' },
      body: '<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>',
    });
    expect(tag.status).toBe(200);
    const del = await signedRawRequest(ts, { method: 'DELETE', bucket: 'full', key: 'obj-0' });
    expect(del.status).toBe(204);
    accepted.delete('obj-0');
    const body =
      '<Delete><Quiet>true</Quiet><Object><Key>obj-1</Key></Object><Object><Key>obj-2</Key></Object></Delete>';
    const multi = await signedRawRequest(ts, {
      method: 'POST',
      bucket: 'full',
      subresources: { delete: '' },
      body,
      headers: { 'content-md5': createHash('md5').update(body).digest('base64') },
    });
    expect(multi.status).toBe(200);
    accepted.delete('obj-1');
    accepted.delete('obj-2');
    await checkIntact();
  });

  it('deletes still work after a restart with the disk filled to the last byte', async () => {
    await ts.close();
    ts = await startTestServer({
      dataDir: fsMount.dir,
      logger: captured.logger,
      config: { minFreeBytes: FLOOR },
    });
    const ballast = fillDisk(fsMount.dir, 0);
    expect(freeBytes(fsMount.dir)).toBeLessThan(64 * 1024);
    try {
      const refusedPut = await put('while-full', Buffer.alloc(1024, 3));
      expect(refusedPut.status).toBe(507);
      refused.push('while-full');
      for (const key of ['obj-3', 'obj-4', 'obj-5']) {
        const del = await signedRawRequest(ts, { method: 'DELETE', bucket: 'full', key });
        expect(del.status, key).toBe(204);
        accepted.delete(key);
      }
    } finally {
      fs.rmSync(ballast);
    }
    // Space is back: uploads work again and everything accepted before is intact.
    const body = Buffer.alloc(MiB, 9);
    expect((await put('after', body)).status).toBe(200);
    accepted.set('after', md5(body));
    await checkIntact();
  });
});
