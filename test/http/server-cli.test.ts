/** `ossbatch server` as a real process: flags, banner, health, graceful SIGTERM, identity across restarts. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signV1 } from '../../src/protocol/sign-client.js';
import { makeClient, rawRequest, type LooseOss } from '../helpers/server.js';

const repo = path.resolve(import.meta.dirname, '../..');
const bin = path.join(repo, 'bin/ossbatch.js');
let tmp: string;

beforeAll(() => {
  // `npm test` builds first; build here only when running this file alone on a fresh checkout.
  if (!fs.existsSync(path.join(repo, 'dist/cli/main.js'))) {
    spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: repo, stdio: 'ignore' });
  }
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-cli-'));
}, 120_000);
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  url: string;
  port: number;
  stdout: () => string;
  exited: Promise<number | null>;
}

const cleanEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  delete env.OSSBATCH_ROOT_ACCESS_KEY_ID;
  delete env.OSSBATCH_ROOT_ACCESS_KEY_SECRET;
  delete env.OSSBATCH_ACCOUNT_ID;
  return env;
};

function startCli(args: string[], env: NodeJS.ProcessEnv = cleanEnv()): Promise<Started> {
  const child = spawn(process.execPath, [bin, 'server', '--port', '0', '--log-level', 'warn', ...args], {
    cwd: repo,
    env,
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out} ${err}`)), 20_000);
    const check = (): void => {
      const m = /ossbatch listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(out);
      if (!m?.[1] || !m[2]) return;
      clearTimeout(timer);
      resolve({ child, url: m[1], port: Number(m[2]), stdout: () => out, exited });
    };
    child.stdout?.on('data', check);
    void exited.then((code) => reject(new Error(`server exited with ${code}: ${err}`)));
  });
}

function runCli(
  args: string[],
  env: NodeJS.ProcessEnv = cleanEnv(),
): { status: number | null; stderr: string; stdout: string } {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: repo,
    env,
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

describe('ossbatch server (CLI)', () => {
  it.each([
    [['server', '--bogus']],
    [['server', '--port', 'abc']],
    [['server', '--port', '70000']],
    [['server', '--region', 'Not A Region']],
    [['server', '--job-write-signature', 'v2']],
    [['server', '--body-idle-timeout-ms', '0']],
    [['server', '--min-free-bytes', '-5']],
    [['no-such-command']],
  ])('exits 2 with one human line for %j', (args) => {
    const r = runCli(args);
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ossbatch: /);
    expect(r.stderr).not.toMatch(/\s+at .+:\d+:\d+/);
  });

  it.each([
    ['only the root key id', { OSSBATCH_ROOT_ACCESS_KEY_ID: 'LTAIONLYID000000001' }, []],
    ['only the root secret', { OSSBATCH_ROOT_ACCESS_KEY_SECRET: 'only-secret' }, []],
    ['a data dir that is a file', {}, ['--data-dir', 'package.json']],
    ['a metrics token too short to be a secret', { OSSBATCH_METRICS_TOKEN: 'short' }, []],
  ])('config error (%s): exits 2 with one human line, not 1', (_name, extra, args) => {
    const r = runCli(['server', '--port', '0', ...args], { ...cleanEnv(), ...extra });
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ossbatch: /);
  });

  it.each([
    ['--db with another scheme', {}, ['server', '--db', 'mysql://u@h/db'], /--db: unsupported scheme mysql/],
    ['--db naming no database', {}, ['server', '--db', 'postgres://u@h:5432/'], /--db: .*names no database/],
    ['--db that is no URL', {}, ['server', '--db', 'not a url'], /--db: not a URL/],
    ['OSSBATCH_DB naming no user', { OSSBATCH_DB: 'postgresql://h/db' }, ['server'], /--db: .*names no user/],
    [
      'ram --db with another scheme',
      {},
      ['ram', 'list-users', '--db', 'sqlite3://x'],
      /--db: unsupported scheme/,
    ],
    ['ram with a bad OSSBATCH_DB', { OSSBATCH_DB: 'postgres://' }, ['ram', 'list-users'], /--db: /],
  ])('a bad database URL (%s): exits 2 with one line naming the problem', (_name, extra, args, why) => {
    const r = runCli([...args, '--data-dir', path.join(tmp, 'never-created')], { ...cleanEnv(), ...extra });
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ossbatch: /);
    expect(lines[0]).toMatch(why);
    // Refused before anything was opened or created.
    expect(fs.existsSync(path.join(tmp, 'never-created'))).toBe(false);
  });

  it('prints generated credentials once, keeps its identity across restarts, stops cleanly on SIGTERM', async () => {
    const dataDir = path.join(tmp, 'data');
    const first = await startCli(['--data-dir', dataDir]);
    const out = first.stdout();
    const ak = /AccessKeyId:\s+(\S+)/.exec(out)?.[1] ?? '';
    const sk = /AccessKeySecret:\s+(\S+)/.exec(out)?.[1] ?? '';
    expect(out).toContain(`endpoint: 'http://localhost:${first.port}'`);
    expect(out).toContain('authorizationV4: true');
    expect(out).toContain("region: 'oss-cn-hangzhou'");
    expect(ak).not.toBe('');
    expect((await rawRequest(first.url, { path: '/-/health' })).status).toBe(200);
    const c1 = makeClient(first.port, { accessKeyId: ak, secret: sk }, { v4: true });
    await c1.putBucket('cli-bucket');
    expect(fs.existsSync(path.join(dataDir, 'ossbatch.db'))).toBe(true);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = await startCli(['--data-dir', dataDir]);
    expect(second.stdout()).not.toContain('AccessKeySecret');
    const clash = runCli(['server', '--port', String(second.port), '--data-dir', path.join(tmp, 'clash')]);
    expect(clash.status).toBe(1);
    expect(clash.stderr.trim().split('\n')).toEqual([
      `ossbatch: cannot start the server: port ${second.port} on 127.0.0.1 is already in use`,
    ]);
    const c2: LooseOss = makeClient(second.port, { accessKeyId: ak, secret: sk }, { v4: false });
    expect((await c2.listBuckets({})).buckets?.map((b: { name: string }) => b.name)).toEqual(['cli-bucket']);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  });

  it('uses root credentials from the environment and finishes an in-flight upload on SIGTERM', async () => {
    const env = {
      ...cleanEnv(),
      OSSBATCH_ROOT_ACCESS_KEY_ID: 'LTAIENVKEY0000000001',
      OSSBATCH_ROOT_ACCESS_KEY_SECRET: 'env-secret-value',
      OSSBATCH_ACCOUNT_ID: '1234567890',
    };
    const s = await startCli(['--data-dir', path.join(tmp, 'env')], env);
    expect(s.stdout()).not.toContain('AccessKeySecret');
    const c: LooseOss = makeClient(s.port, {
      accessKeyId: env.OSSBATCH_ROOT_ACCESS_KEY_ID,
      secret: env.OSSBATCH_ROOT_ACCESS_KEY_SECRET,
    });
    await c.putBucket('env-bucket');
    const owner = (await c.getBucketACL('env-bucket')).owner as { id: string };
    expect(owner.id).toBe('1234567890');

    // A slow chunked upload is in flight when SIGTERM arrives: it must still complete with 200.
    const headers = signV1({
      method: 'PUT',
      bucket: 'env-bucket',
      key: 'slow.bin',
      headers: { 'transfer-encoding': 'chunked' },
      accessKeyId: env.OSSBATCH_ROOT_ACCESS_KEY_ID,
      secret: env.OSSBATCH_ROOT_ACCESS_KEY_SECRET,
      region: 'cn-hangzhou',
      date: new Date(),
    });
    const reply = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port: s.port,
        path: '/env-bucket/slow.bin',
        method: 'PUT',
        headers,
        agent: false,
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.write('first half ');
      setTimeout(() => {
        s.child.kill('SIGTERM');
        setTimeout(() => req.end('second half'), 300);
      }, 200);
    });
    const done = await reply;
    expect(done.body).toBe('');
    expect(done.status).toBe(200);
    expect(await s.exited).toBe(0);
  });
});
