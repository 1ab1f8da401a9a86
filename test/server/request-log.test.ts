import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt } from '../helpers/server-process.js';

const BIN = path.resolve(import.meta.dirname, '../../bin/ossbatch.js');
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** One anonymous GET on a keep-alive agent: answered 403, and logged as one request line. */
function anonymousGet(port: number, agent: http.Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent, timeout: 5_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
    req.on('error', reject);
  });
}

describe('the request log', () => {
  // A log reader that stops reading (a stalled shipper, `docker logs` behind) fills the stdout pipe. The
  // server must keep answering and must not drop what it logged meanwhile (within its 16 MiB buffer);
  // with pino's synchronous destination every write then failed with EAGAIN and slept 100 ms, forever.
  it('does not stall the server when nobody reads stdout, and delivers every line afterwards', async () => {
    ensureBuilt();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-log-'));
    const child = spawn(
      process.execPath,
      [BIN, 'server', '--port', '0', '--data-dir', dataDir, '--log-level', 'info'],
      { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    cleanups.push(() => {
      child.kill('SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    });
    let out = '';
    const onData = (c: Buffer): void => {
      out += c.toString();
    };
    child.stdout.on('data', onData);
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = /ossbatch listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
        if (m?.[1] === undefined) return;
        clearInterval(timer);
        resolve(Number(m[1]));
      }, 20);
      child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    });
    // Stop reading: the pipe (64 KiB) and the stream's buffer fill within a few hundred lines.
    child.stdout.off('data', onData);
    child.stdout.pause();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const requests = 3000; // ~140 bytes a line: ~400 KiB of log, far past what the pipe holds
    let answered = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (answered < requests) {
          answered += 1;
          expect(await anonymousGet(port, agent)).toBe(403);
        }
      }),
    );
    agent.destroy();
    // Reading again, every line written while the reader stalled arrives.
    let lines = '';
    child.stdout.on('data', (c: Buffer) => (lines += c.toString()));
    child.stdout.resume();
    const deadline = Date.now() + 15_000;
    const count = (): number => lines.split('"msg":"request"').length - 1;
    while (count() < requests && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(count()).toBe(requests);
  }, 60_000);
});
