import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_OBJECT_BYTES, SmallFiles } from '../../src/store/builtin/small-files.js';
import { startTestServer, type LooseOss, type TestServer } from '../helpers/server.js';

let ts: TestServer;
let c: LooseOss;
const bucket = 'small-reads';

beforeAll(async () => {
  ts = await startTestServer();
  await ts.anyClient().putBucket(bucket);
  c = ts.anyClient({ bucket });
});
afterAll(async () => {
  await ts.close();
});

const text = async (key: string, opts: Record<string, unknown> = {}): Promise<string> =>
  ((await c.get(key, opts)).content as Buffer).toString();

// Small objects are answered from one buffer, kept in memory once read (src/store/builtin/small-files.ts).
describe('GET of small objects (held in memory once read)', () => {
  it('answers the bytes of the object as it is now: overwritten, deleted, ranged', async () => {
    await c.put('o.txt', Buffer.from('first'));
    expect(await text('o.txt')).toBe('first');
    // Same size, other bytes: nothing keyed by bucket/key/size may serve the old ones.
    await c.put('o.txt', Buffer.from('again'));
    expect(await text('o.txt')).toBe('again');
    expect(await text('o.txt')).toBe('again');
    const ranged = await c.get('o.txt', { headers: { Range: 'bytes=1-3' } });
    expect(ranged.res.status).toBe(206);
    expect((ranged.content as Buffer).toString()).toBe('gai');
    await c.delete('o.txt');
    await expect(c.get('o.txt')).rejects.toMatchObject({ status: 404, code: 'NoSuchKey' });
    await c.put('o.txt', Buffer.from('third'));
    expect(await text('o.txt')).toBe('third');
  });

  it('serves each version its own bytes in a versioned bucket', async () => {
    const vb = 'small-reads-versions';
    await ts.anyClient().putBucket(vb);
    await ts.anyClient().putBucketVersioning(vb, 'Enabled');
    const v = ts.anyClient({ bucket: vb });
    const first = (await v.put('k', Buffer.from('one'))).res.headers['x-oss-version-id'] as string;
    expect(((await v.get('k')).content as Buffer).toString()).toBe('one');
    await v.put('k', Buffer.from('two'));
    expect(((await v.get('k')).content as Buffer).toString()).toBe('two');
    const old = await v.get('k', { versionId: first });
    expect((old.content as Buffer).toString()).toBe('one');
  });

  it('streams objects above the small-object size, byte for byte', async () => {
    const big = randomBytes(SMALL_OBJECT_BYTES + 1);
    await c.put('big.bin', big);
    expect(Buffer.compare((await c.get('big.bin')).content as Buffer, big)).toBe(0);
    const edge = randomBytes(SMALL_OBJECT_BYTES);
    await c.put('edge.bin', edge);
    expect(Buffer.compare((await c.get('edge.bin')).content as Buffer, edge)).toBe(0);
  });
});

describe('SmallFiles', () => {
  it('keeps at most its budget of bytes, dropping the least recently read first', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-small-'));
    try {
      const write = (name: string, size: number): string => {
        fs.writeFileSync(path.join(dir, name), Buffer.alloc(size, name));
        return path.join(dir, name);
      };
      const files = new SmallFiles(250);
      const [a, b, c2] = [write('a', 100), write('b', 100), write('c', 100)];
      await files.read(a, 'a', 100);
      await files.read(b, 'b', 100);
      await files.read(a, 'a', 100); // a is now the most recently read
      await files.read(c2, 'c', 100); // over budget: b goes
      fs.rmSync(a);
      fs.rmSync(c2);
      // a and c are served from memory (their files are gone); b is read from disk again.
      expect((await files.read(a, 'a', 100)).toString()).toBe('a'.repeat(100));
      expect((await files.read(c2, 'c', 100)).toString()).toBe('c'.repeat(100));
      fs.rmSync(b);
      await expect(files.read(b, 'b', 100)).rejects.toThrow(/ENOENT/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
