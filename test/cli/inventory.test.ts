import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerInventoryCommands } from '../../src/cli/inventory.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { runCli, tempHome } from './cli-harness.js';

let ts: TestServer;
const home = tempHome();

beforeAll(async () => {
  ts = await startTestServer();
  const c = ts.anyClient({ bucket: 'cli-inv-src' });
  await c.putBucket('cli-inv-src');
  await c.putBucket('cli-inv-dest');
  await c.put('one', Buffer.from('1'));
  await c.put('two', Buffer.from('2'));
  await c.putBucketInventory('cli-inv-src', {
    id: 'nightly',
    isEnabled: true,
    OSSBucketDestination: {
      format: 'CSV',
      accountId: ts.root.accountId,
      rolename: 'R',
      bucket: 'cli-inv-dest',
      prefix: 'inv',
    },
    frequency: 'Daily',
    includedObjectVersions: 'Current',
    optionalFields: { field: ['Size'] },
  });
});
afterAll(async () => {
  await ts.close();
  home.cleanup();
});

const creds = (): string[] => [
  '--endpoint',
  ts.url,
  '--access-key-id',
  ts.root.accessKeyId,
  '--access-key-secret',
  ts.root.secret,
];

/** The built CLI as a process (npm test builds dist/ first). */
function runProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.resolve('bin/ossbatch.js'), ...args], {
      env: { ...process.env, HOME: home.home, OSSBATCH_CONFIG: path.join(home.home, 'none') },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('ossbatch inventory run', () => {
  it('runs the inventory now and prints where the manifest went (json)', async () => {
    const r = await runCli(
      [registerInventoryCommands],
      [
        'inventory',
        'run',
        '--bucket',
        'cli-inv-src',
        '--inventory-id',
        'nightly',
        '--output-format',
        'json',
        ...creds(),
      ],
      { home: home.home },
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { InventoryRunResult: Record<string, string> };
    expect(out.InventoryRunResult).toMatchObject({ Bucket: 'cli-inv-dest', DataFiles: '1', Rows: '2' });
    const key = out.InventoryRunResult.ManifestKey ?? '';
    expect(key).toMatch(/^inv\/cli-inv-src\/nightly\/.+\/manifest\.json$/);
    expect((await ts.server.store.headObject('cli-inv-dest', key))?.size).toBeGreaterThan(0);
  });

  it('as a process: exit 0 with the XML reply; a missing inventory is a one-line error with exit 1', async () => {
    const ok = await runProcess([
      'inventory',
      'run',
      '--bucket',
      'cli-inv-src',
      '--inventory-id',
      'nightly',
      ...creds(),
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('<ManifestKey>inv/cli-inv-src/nightly/');
    const missing = await runProcess([
      'inventory',
      'run',
      '--bucket',
      'cli-inv-src',
      '--inventory-id',
      'nope',
      ...creds(),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/NoSuchInventory/);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    const usage = await runProcess(['inventory', 'run', '--bucket', 'cli-inv-src', ...creds()]);
    expect(usage.code).toBe(2);
  });
});
