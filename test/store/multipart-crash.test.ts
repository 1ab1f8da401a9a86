import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeClient, type LooseOss } from '../helpers/server.js';

/**
 * kill -9 during CompleteMultipartUpload, at each durable step (the server runs as a child process with
 * OSSBATCH_CRASH_AT set, see src/store/builtin/crash-point.ts), then a restart on the same data dir: the
 * object is either absent with the upload intact and completable, or whole with the upload gone — never
 * truncated, never both — and no unreferenced file survives start-up. Runs the built CLI (dist/).
 */
const ACCOUNT = '1234567890123456';
const CREDS = { accessKeyId: 'LTAImultipartcrash01', secret: 'multipart-crash-secret-0123456789ab' };
const ROOT = path.resolve(import.meta.dirname, '../..');
const built = fs.existsSync(path.join(ROOT, 'dist/cli/main.js'));
const KB = 1024;

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function startCli(dataDir: string, crashAt?: string): Promise<{ child: ChildProcess; port: number }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OSSBATCH_ROOT_ACCESS_KEY_ID: CREDS.accessKeyId,
    OSSBATCH_ROOT_ACCESS_KEY_SECRET: CREDS.secret,
    OSSBATCH_ACCOUNT_ID: ACCOUNT,
  };
  delete env.OSSBATCH_CRASH_AT;
  if (crashAt !== undefined) env.OSSBATCH_CRASH_AT = crashAt;
  const args = [path.join(ROOT, 'bin/ossbatch.js'), 'server', '--port', '0', '--data-dir', dataDir];
  const child = spawn(process.execPath, [...args, '--log-level', 'silent'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
}

const exited = (child: ChildProcess): Promise<NodeJS.Signals | null> =>
  new Promise((resolve) => {
    child.removeAllListeners('exit');
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.signalCode);
    else child.once('exit', (_code, signal) => resolve(signal));
  });

/** Every file under objects/ (object and part files share it). */
function storedFiles(dataDir: string): string[] {
  const root = path.join(dataDir, 'objects');
  return fs.readdirSync(root).flatMap((shard) => fs.readdirSync(path.join(root, shard)));
}

const md5 = (b: Buffer): Buffer => createHash('md5').update(b).digest();

async function uploadParts(c: LooseOss, parts: Buffer[]): Promise<{ uploadId: string; etags: string[] }> {
  const { uploadId } = await c.initMultipartUpload('big.bin');
  const etags: string[] = [];
  for (const [i, p] of parts.entries())
    etags.push((await c.uploadPart('big.bin', uploadId, i + 1, p, 0, p.length)).etag);
  return { uploadId, etags };
}

describe.skipIf(!built)('kill -9 during CompleteMultipartUpload', () => {
  it.each(['complete-writing', 'complete-placed', 'complete-committed'])(
    'at %s: never a truncated or half-visible object, and the restart cleans up',
    async (point) => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-mpcrash-'));
      const parts = [randomBytes(300 * KB), randomBytes(300 * KB), randomBytes(50 * KB)];
      const whole = Buffer.concat(parts);
      const etag = `"${md5(Buffer.concat(parts.map(md5)))
        .toString('hex')
        .toUpperCase()}-3"`;
      const first = await startCli(dir, point);
      const c1 = makeClient(first.port, CREDS, { bucket: 'crash' }) as LooseOss;
      await (makeClient(first.port, CREDS) as LooseOss).putBucket('crash');
      const { uploadId, etags } = await uploadParts(c1, parts);
      const complete = c1.completeMultipartUpload(
        'big.bin',
        uploadId,
        etags.map((e, i) => ({ number: i + 1, etag: e })),
      );
      await expect(complete).rejects.toThrow();
      expect(await exited(first.child)).toBe('SIGKILL');

      const second = await startCli(dir);
      try {
        const c2 = makeClient(second.port, CREDS, { bucket: 'crash' }) as LooseOss;
        const listed = await c2.listUploads({});
        if (point === 'complete-committed') {
          // Committed: the whole object, and the upload went in the same commit.
          expect(listed.uploads).toEqual([]);
          const got = await c2.get('big.bin');
          expect(got.res.headers.etag).toBe(etag);
          expect(Buffer.compare(got.content, whole)).toBe(0);
          expect(storedFiles(dir)).toHaveLength(1);
        } else {
          // Not committed: no object at all, the upload and its parts intact, the half-written file gone.
          await expect(c2.head('big.bin')).rejects.toMatchObject({ status: 404 });
          expect(listed.uploads.map((u: { uploadId: string }) => u.uploadId)).toEqual([uploadId]);
          expect(storedFiles(dir)).toHaveLength(parts.length);
          const done = await c2.completeMultipartUpload(
            'big.bin',
            uploadId,
            etags.map((e, i) => ({ number: i + 1, etag: e })),
          );
          expect(done.etag).toBe(etag);
          expect(Buffer.compare((await c2.get('big.bin')).content, whole)).toBe(0);
          expect(storedFiles(dir)).toHaveLength(1);
        }
      } finally {
        second.child.kill('SIGTERM');
        await exited(second.child);
      }
    },
    60_000,
  );
});
