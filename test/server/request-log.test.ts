import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
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

/** `ossbatch server` at log level info with its stdout piped to the test; resolves once it listens. */
async function spawnLogging(): Promise<{
  port: number;
  stdout: Readable;
  output: () => string;
  stopCollecting: () => void;
}> {
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
  return {
    port,
    stdout: child.stdout,
    output: () => out,
    stopCollecting: () => child.stdout.off('data', onData),
  };
}

describe('the request log', () => {
  // Lines are batched (4 KiB per write under load, log-destination.ts); a quiet server must still show a
  // lone line promptly, not when 4 KiB have gathered.
  it('shows the line of a single request within a second', async () => {
    const server = await spawnLogging();
    const agent = new http.Agent({ keepAlive: false });
    expect(await anonymousGet(server.port, agent)).toBe(403);
    const deadline = Date.now() + 1_000;
    while (!server.output().includes('"msg":"request"') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(server.output()).toContain('"msg":"request"');
  });

  it('does not stall the server when nobody reads stdout, and delivers every line afterwards', async () => {
    const { port, stdout, stopCollecting } = await spawnLogging();
    // Stop reading: the pipe (64 KiB) and the stream's buffer fill within a few hundred lines.
    stopCollecting();
    stdout.pause();
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
    stdout.on('data', (c: Buffer) => (lines += c.toString()));
    stdout.resume();
    const deadline = Date.now() + 15_000;
    const count = (): number => lines.split('"msg":"request"').length - 1;
    while (count() < requests && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(count()).toBe(requests);
  }, 60_000);
});
