/**
 * Issue 11: the object commands as ossutil users type them, each through a real `ossbatch` process:
 * cp up, down (-r) and bucket to bucket, the missing-bucket hint, Ctrl-C's summary, ls of buckets and
 * columns, rm [-r], stat, cat.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OssBatchClient } from '../../src/client/index.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { BIN, REPO, cleanEnv, ensureBuilt, runOssbatch } from '../helpers/cli-process.js';

let ts: TestServer;
let client: OssBatchClient;
let tmp: string;

beforeAll(async () => {
  ensureBuilt();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-ossutil-'));
  ts = await startTestServer();
  client = new OssBatchClient({
    endpoint: ts.url,
    accessKeyId: ts.root.accessKeyId,
    accessKeySecret: ts.root.secret,
    addressing: 'path',
  });
}, 120_000);
afterAll(async () => {
  client.close();
  await ts.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const env = (): NodeJS.ProcessEnv =>
  cleanEnv({
    OSSBATCH_CONFIG: path.join(tmp, 'no-config'),
    OSS_ENDPOINT: ts.url,
    OSS_ACCESS_KEY_ID: ts.root.accessKeyId,
    OSS_ACCESS_KEY_SECRET: ts.root.secret,
  });
const cli = (...args: string[]) => runOssbatch(args, { env: env() });

function tree(dir: string, files: Record<string, string>): void {
  for (const [rel, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), body);
  }
}

describe('cp', () => {
  const files = { 'a.txt': 'alpha', 'sub/b.txt': 'bravo!', 'sub/deep/c d.txt': 'charlie' };

  it('uploads -r, downloads one object and a prefix -r, copies bucket to bucket', async () => {
    expect((await cli('mb', 'oss://src')).status).toBe(0);
    expect((await cli('mb', 'oss://dst')).status).toBe(0);
    const local = path.join(tmp, 'up');
    tree(local, files);
    const up = await cli('cp', '-r', local, 'oss://src/in/');
    expect(up.status, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/^uploaded 3 files \(18 B\) to oss:\/\/src\/in\/ in [\d.]+s\n$/);

    const one = path.join(tmp, 'one.txt');
    const got = await cli('cp', 'oss://src/in/sub/b.txt', one);
    expect(got.status, got.stderr).toBe(0);
    expect(fs.readFileSync(one, 'utf8')).toBe('bravo!');
    const intoDir = path.join(tmp, 'into') + path.sep;
    expect((await cli('cp', 'oss://src/in/a.txt', intoDir)).status).toBe(0);
    expect(fs.readFileSync(path.join(intoDir, 'a.txt'), 'utf8')).toBe('alpha');

    const down = path.join(tmp, 'down');
    const all = await cli('cp', 'oss://src/in/', down, '-r');
    expect(all.status, all.stderr).toBe(0);
    for (const [rel, body] of Object.entries(files))
      expect(fs.readFileSync(path.join(down, rel), 'utf8')).toBe(body);

    const copied = await cli('cp', '-r', 'oss://src/in/', 'oss://dst/copy/');
    expect(copied.status, copied.stderr).toBe(0);
    expect(copied.stdout).toMatch(/^copied 3 files/);
    expect((await client.getObject('dst', 'copy/sub/deep/c d.txt')).toString()).toBe('charlie');
    const single = await cli('cp', 'oss://src/in/a.txt', 'oss://dst/');
    expect(single.status, single.stderr).toBe(0);
    expect((await client.getObject('dst', 'a.txt')).toString()).toBe('alpha');
  });

  it('a missing destination bucket fails once, up front, with a hint to mb', async () => {
    const local = path.join(tmp, 'hint');
    tree(local, files);
    for (const [src, dest] of [
      [local, 'oss://nobucket/x/'],
      ['oss://src/in/a.txt', 'oss://nobucket/'],
      ['oss://nobucket/k', path.join(tmp, 'k')],
    ] as const) {
      const r = await cli('cp', '-r', src, dest);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(
        'ossbatch: bucket nobucket does not exist; create it with: ossbatch mb oss://nobucket\n',
      );
      expect(r.stdout).toBe('');
    }
  });

  it('Ctrl-C stops starting transfers and prints what was done', async () => {
    await client.putBucket('many');
    const local = path.join(tmp, 'many');
    tree(
      local,
      Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`f${String(i).padStart(4, '0')}`, 'x'])),
    );
    const child = spawn(process.execPath, [BIN, 'cp', local, 'oss://many/', '--parallel', '1'], {
      cwd: REPO,
      env: env(),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const until = Date.now() + 30_000;
    while ((await client.listObjects('many', { maxKeys: 5 })).objects.length < 5) {
      if (Date.now() > until) throw new Error(`no upload started: ${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const m =
      /^interrupted: uploaded (\d+) files \((\d+) B\) to oss:\/\/many\/ in [\d.]+s; 0 failed; the rest was not started\n$/.exec(
        stdout,
      );
    expect(m, stdout).not.toBeNull();
    let stored = 0;
    for await (const _ of client.listAllObjects('many')) stored++;
    expect(Number(m?.[1])).toBe(stored);
    expect(stored).toBeLessThan(3000);
    expect(stderr).toBe('ossbatch: interrupted (Ctrl-C)\n');
  }, 60_000);
});

describe('ls, rm, stat, cat', () => {
  it('ls with no argument lists buckets; ls of a prefix shows size, class and ETag columns', async () => {
    await client.putBucket('cols');
    await client.putObject('cols', 'k/big.bin', Buffer.alloc(1536, 1));
    const buckets = await cli('ls');
    expect(buckets.status, buckets.stderr).toBe(0);
    expect(buckets.stdout).toMatch(/^CreationTime\s+Region\s+StorageClass\s+BucketName\n/);
    expect(buckets.stdout).toMatch(/\s+Standard\s+oss:\/\/cols\n/);
    expect(buckets.stdout).toMatch(/Bucket Number is: \d+\n$/);
    const objects = await cli('ls', 'oss://cols/k/');
    const head = await client.headObject('cols', 'k/big.bin');
    expect(objects.stdout).toMatch(
      new RegExp(`\\s+1\\.5 KiB  Standard\\s+${head.etag}\\s+oss://cols/k/big\\.bin\\n`),
    );
    expect(objects.stdout).toMatch(/^LastModifiedTime\s+Size\s+StorageClass\s+ETAG\s+ObjectName\n/);
    const missing = await cli('ls', 'oss://nosuch/');
    expect(missing.stderr).toBe(
      'ossbatch: bucket nosuch does not exist; create it with: ossbatch mb oss://nosuch\n',
    );
  });

  it('stat, cat, rm and rm -r', async () => {
    await client.putBucket('misc');
    await client.putObject('misc', 'a/1.txt', 'one', { meta: { owner: 'me' } });
    await client.putObject('misc', 'a/2.txt', 'two');
    await client.putObject('misc', 'b.txt', 'bee');
    const stat = await cli('stat', 'oss://misc/a/1.txt');
    expect(stat.stdout).toMatch(
      /^Object\s+: oss:\/\/misc\/a\/1\.txt\nSize\s+: 3 \(3 B\)\nETag\s+: [0-9A-F]{32}\n/,
    );
    expect(stat.stdout).toContain('X-Oss-Meta-owner    : me\n');
    const cat = await cli('cat', 'oss://misc/b.txt');
    expect(cat.stdout).toBe('bee');
    const rm = await cli('rm', 'oss://misc/b.txt');
    expect(rm.stdout).toBe('deleted oss://misc/b.txt\n');
    const gone = await cli('stat', 'oss://misc/b.txt');
    expect(gone.status).toBe(1);
    expect(gone.stderr).toMatch(/^ossbatch: NoSuchKey: /);
    const noR = await cli('rm', 'oss://misc/a/');
    expect(noR.status).toBe(2);
    const rmr = await cli('rm', '-r', 'oss://misc/a/');
    expect(rmr.stdout).toBe('deleted 2 objects under oss://misc/a/\n');
    expect((await client.listObjects('misc')).objects).toEqual([]);
  });
});
