import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerObjectCommands } from '../../src/cli/objects.js';
import { startTestServer, type LooseOss, type TestServer } from '../helpers/server.js';
import { runCli, tempHome } from './cli-harness.js';

/**
 * `ossbatch cp` of large files: multipart with parallel parts, a summary on Ctrl-C (the CLI as a process),
 * and a re-run that resumes the interrupted upload, sending only the parts the server lacks.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const built = fs.existsSync(path.join(ROOT, 'dist/cli/main.js'));
const KB = 1024;
const PART = 100 * KB;

let onPart: (() => void) | undefined;
let partsSeen = 0;
const sink = new Writable({
  write(chunk: Buffer, _enc, cb) {
    for (const l of chunk.toString().split('\n')) {
      if (l.trim() === '') continue;
      const line = JSON.parse(l) as { msg?: string; operation?: string; status?: number };
      if (line.msg === 'request' && line.operation === 'UploadPart' && line.status === 200) {
        partsSeen += 1;
        onPart?.();
      }
    }
    cb();
  },
});

let ts: TestServer;
let c: LooseOss;
const home = tempHome();
beforeAll(async () => {
  ts = await startTestServer({ logger: pino({ level: 'info' }, sink) });
  await ts.anyClient().putBucket('big');
  c = ts.anyClient({ bucket: 'big' });
});
afterAll(async () => {
  await ts.close();
  home.cleanup();
});

const env = (): Record<string, string> => ({
  OSS_ENDPOINT: ts.url,
  OSS_ACCESS_KEY_ID: ts.root.accessKeyId,
  OSS_ACCESS_KEY_SECRET: ts.root.secret,
  OSSBATCH_CP_MULTIPART_THRESHOLD: String(2 * PART),
  OSSBATCH_CP_PART_SIZE: String(PART),
});
const md5 = (b: Buffer): Buffer => createHash('md5').update(b).digest();
const checkpoints = (): string[] => {
  const dir = path.join(home.home, '.ossbatch', 'cp-checkpoints');
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
};

describe('ossbatch cp with multipart', () => {
  it('uploads files from the threshold up as multipart objects, smaller ones with one PUT', async () => {
    const dir = path.join(home.home, 'src');
    fs.mkdirSync(dir, { recursive: true });
    const large = randomBytes(5 * PART + 7);
    fs.writeFileSync(path.join(dir, 'large.bin'), large);
    fs.writeFileSync(path.join(dir, 'small.txt'), 'small');
    const run = await runCli([registerObjectCommands], ['cp', dir, 'oss://big/d/'], {
      home: home.home,
      env: env(),
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const got = await c.get('d/large.bin');
    expect(Buffer.compare(got.content, large)).toBe(0);
    const parts = Array.from({ length: 6 }, (_, i) => large.subarray(i * PART, (i + 1) * PART));
    const etag = `"${md5(Buffer.concat(parts.map(md5)))
      .toString('hex')
      .toUpperCase()}-6"`;
    expect(got.res.headers).toMatchObject({ 'x-oss-object-type': 'Multipart', etag });
    expect((await c.head('d/small.txt')).res.headers['x-oss-object-type']).toBe('Normal');
    expect(checkpoints()).toEqual([]);
  });

  it.skipIf(!built)(
    'prints a summary on Ctrl-C, and the re-run resumes with only the missing parts',
    async () => {
      const file = path.join(home.home, 'resume.bin');
      const data = randomBytes(40 * PART);
      fs.writeFileSync(file, data);
      const child = spawn(
        process.execPath,
        [path.join(ROOT, 'bin/ossbatch.js'), 'cp', file, 'oss://big/r/'],
        {
          env: { ...process.env, ...env(), HOME: home.home, OSSBATCH_CONFIG: path.join(home.home, 'cfg') },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stderr = '';
      let stdout = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      // After the 5th part the server (this process) sends SIGINT and stalls for a second, so the CLI takes
      // the signal mid-upload whatever the machine's speed.
      partsSeen = 0;
      onPart = () => {
        if (partsSeen !== 5) return;
        child.kill('SIGINT');
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
      };
      expect(await exit).toBe(130);
      onPart = undefined;
      expect(stderr).toMatch(
        /failed: .*resume\.bin -> oss:\/\/big\/r\/resume\.bin: interrupted after \d+ of 40 parts; re-run the same command to resume the upload/,
      );
      expect(stdout).toMatch(
        /^interrupted: uploaded 0 files .* to oss:\/\/big\/r\/ in [\d.]+s; 1 failed; the rest was not started$/m,
      );
      expect(checkpoints()).toHaveLength(1);
      const uploads = await c.listUploads({ prefix: 'r/' });
      expect(uploads.uploads).toHaveLength(1);
      const have = [(await c.listParts('r/resume.bin', uploads.uploads[0].uploadId)).parts].flat().length;
      expect(have).toBeGreaterThanOrEqual(5);
      expect(have).toBeLessThan(40);

      const again = await runCli([registerObjectCommands], ['cp', file, 'oss://big/r/'], {
        home: home.home,
        env: env(),
      });
      expect(again.code).toBe(0);
      // Every part reached the server exactly once over both runs: the re-run sent only what was missing
      // (ListParts is its truth, so parts that landed while the first run was dying are not sent again).
      expect(partsSeen).toBe(40);
      expect(Buffer.compare((await c.get('r/resume.bin')).content, data)).toBe(0);
      expect((await c.listUploads({ prefix: 'r/' })).uploads).toEqual([]);
      expect(checkpoints()).toEqual([]);
    },
  );
});
