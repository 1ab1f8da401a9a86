import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClient, type LooseOss } from '../../helpers/server.js';
import { cleanEnv, runCli, type ServerProcess } from './cli-process.js';
import { BACK_KEY, startFrontAndBack, type FrontAndBack } from './front-back.js';

/**
 * `ossbatch server --store oss+http://…` in front of another ossbatch process (the remote store), both real
 * processes, driven by ali-oss: objects live in the remote, RAM is the front's.
 */
const FRONT_KEY = { accessKeyId: 'LTAIfrontroot000001', secret: 'front-secret-000000000000000000001' };

let tmp: string;
let back: ServerProcess;
let front: ServerProcess;
let frontDir: string;

let procs: FrontAndBack | undefined;

beforeAll(async () => {
  procs = await startFrontAndBack({
    prefix: 'gateway',
    frontKey: FRONT_KEY,
    frontArgs: ['--store-concurrency', '8'],
    // A bucket and an object that exist in the store before ossbatch is put in front of it.
    beforeFront: async (b) => {
      const legacy: LooseOss = makeClient(b.port, BACK_KEY, { bucket: 'legacy' });
      await makeClient(b.port, BACK_KEY).putBucket('legacy');
      await legacy.put('old.txt', Buffer.from('from before'));
    },
  });
  ({ back, front, frontDir, tmp } = procs);
}, 90_000);

afterAll(async () => {
  await procs?.stop();
});

const text = (r: { content: Buffer }): string => r.content.toString();

describe('ossbatch in front of a remote OSS store', () => {
  for (const v4 of [false, true]) {
    it(`reads, writes and lists remote objects with ali-oss (${v4 ? 'V4' : 'V1'})`, async () => {
      const bucket = v4 ? 'photos-v4' : 'photos-v1';
      const root: LooseOss = makeClient(front.port, FRONT_KEY, { v4 });
      const buckets = (await root.listBuckets()) as { buckets: { name: string }[] };
      expect(buckets.buckets.map((b) => b.name)).toContain('legacy');
      const legacy: LooseOss = makeClient(front.port, FRONT_KEY, { v4, bucket: 'legacy' });
      expect(text(await legacy.get('old.txt'))).toBe('from before');

      await root.putBucket(bucket);
      const c: LooseOss = makeClient(front.port, FRONT_KEY, { v4, bucket });
      await c.put('dir/a.txt', Buffer.from('hello remote'), { headers: { 'x-oss-tagging': 'k=v' } });
      await c.put('dir/b.txt', Buffer.from('second'));
      const listed = (await c.list({ prefix: 'dir/' }, {})) as { objects: { name: string; size: number }[] };
      expect(listed.objects.map((o) => [o.name, o.size])).toEqual([
        ['dir/a.txt', 12],
        ['dir/b.txt', 6],
      ]);
      expect(text(await c.get('dir/a.txt'))).toBe('hello remote');
      await c.putObjectTagging('dir/b.txt', { color: 'red' });
      expect((await c.getObjectTagging('dir/b.txt')).tag).toEqual({ color: 'red' });

      // The bytes and tags live in the remote store: its own client sees them.
      const direct: LooseOss = makeClient(back.port, BACK_KEY, { bucket });
      expect(text(await direct.get('dir/a.txt'))).toBe('hello remote');
      expect((await direct.getObjectTagging('dir/a.txt')).tag).toEqual({ k: 'v' });
      expect((await direct.getObjectTagging('dir/b.txt')).tag).toEqual({ color: 'red' });
      await c.delete('dir/b.txt');
      await expect(direct.head('dir/b.txt')).rejects.toMatchObject({ status: 404 });
    });
  }

  it('decides RAM itself: a user without the grant gets 403 although the store credentials could do it', async () => {
    const env = cleanEnv();
    const ram = (...args: string[]) => {
      const r = runCli(['ram', ...args, '--data-dir', frontDir], env);
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as Record<string, string>;
    };
    const root: LooseOss = makeClient(front.port, FRONT_KEY, { bucket: 'legacy' });
    await root.put('secret.txt', Buffer.from('for root only'));
    ram('create-user', '--user-name', 'bob');
    const key = ram('create-access-key', '--user-name', 'bob');
    const bobCreds = { accessKeyId: key.AccessKeyId ?? '', secret: key.AccessKeySecret ?? '' };
    for (const v4 of [false, true]) {
      const bob: LooseOss = makeClient(front.port, bobCreds, { v4, bucket: 'legacy' });
      await expect(bob.get('secret.txt')).rejects.toMatchObject({ status: 403, code: 'AccessDenied' });
      await expect(bob.put('x.txt', Buffer.from('no'))).rejects.toMatchObject({
        status: 403,
        code: 'AccessDenied',
      });
    }
    // With the grant the same user reads it (RAM changes reach the server within its cache bound).
    ram(
      'create-policy',
      '--policy-name',
      'read-legacy',
      '--policy-document',
      '{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Resource":"acs:oss:*:*:legacy/*"}]}',
    );
    ram('attach-policy-to-user', '--policy-name', 'read-legacy', '--user-name', 'bob');
    const bob: LooseOss = makeClient(front.port, bobCreds, { bucket: 'legacy' });
    const deadline = Date.now() + 10_000;
    let body: string | undefined;
    while (body === undefined) {
      try {
        body = text(await bob.get('secret.txt'));
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect(body).toBe('for root only');
    await expect(makeClient(back.port, BACK_KEY, { bucket: 'legacy' }).head('x.txt')).rejects.toMatchObject({
      status: 404,
    });
  });
});

describe('the CLI through a front ossbatch', () => {
  it('mb, cp and ls work unchanged; the object lands in the remote store', async () => {
    const env = cleanEnv({
      HOME: tmp,
      OSSBATCH_CONFIG: path.join(tmp, 'cli-config'),
      OSS_ENDPOINT: `http://127.0.0.1:${front.port}`,
      OSS_ACCESS_KEY_ID: FRONT_KEY.accessKeyId,
      OSS_ACCESS_KEY_SECRET: FRONT_KEY.secret,
    });
    const file = path.join(tmp, 'upload.txt');
    fs.writeFileSync(file, 'via the cli');
    for (const args of [
      ['mb', 'oss://cli-bucket'],
      ['cp', file, 'oss://cli-bucket/in/upload.txt'],
    ]) {
      const r = runCli(args, env);
      expect(r.status, r.stderr).toBe(0);
    }
    const ls = runCli(['ls', 'oss://cli-bucket/in/'], env);
    expect(ls.status, ls.stderr).toBe(0);
    expect(ls.stdout).toContain('in/upload.txt');
    const direct: LooseOss = makeClient(back.port, BACK_KEY, { bucket: 'cli-bucket' });
    expect(text(await direct.get('in/upload.txt'))).toBe('via the cli');
  });
});

describe('ossbatch server --store: refusals at start (exit 2, one line)', () => {
  const refuse = (args: string[], env: Record<string, string>): string => {
    const dir = fs.mkdtempSync(path.join(tmp, 'refused-'));
    const r = runCli(['server', '--port', '0', '--data-dir', dir, ...args], cleanEnv(env));
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    return lines[0] ?? '';
  };
  const creds = {
    OSSBATCH_STORE_ACCESS_KEY_ID: BACK_KEY.accessKeyId,
    OSSBATCH_STORE_ACCESS_KEY_SECRET: BACK_KEY.secret,
  };

  it('refuses a malformed URL, missing credentials, an unreachable store and wrong credentials', () => {
    expect(refuse(['--store', 'ftp://x'], creds)).toMatch(
      /store.*not builtin, s3\+http\(s\):\/\/host\[:port\]/,
    );
    expect(refuse(['--store', 's3+http://127.0.0.1'], creds)).toMatch(/needs a port/);
    expect(refuse(['--store', `oss+http://127.0.0.1:${back.port}`], {})).toMatch(
      /needs OSSBATCH_STORE_ACCESS_KEY_ID and OSSBATCH_STORE_ACCESS_KEY_SECRET/,
    );
    expect(refuse([], { ...creds, OSSBATCH_STORE: 's3+http://127.0.0.1:1' })).toMatch(
      /cannot use the s3 store at http:\/\/127\.0\.0\.1:1: .*could not be reached/,
    );
    expect(
      refuse(['--store', `oss+http://127.0.0.1:${back.port}`], {
        ...creds,
        OSSBATCH_STORE_ACCESS_KEY_SECRET: 'wrong-secret-00000000000000000000',
      }),
    ).toMatch(/cannot use the oss store .*refused ossbatch's own credentials/);
  });
});
