import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigConflictError, startServer } from '../../src/server.js';
import { testConfig } from '../helpers/server.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-acct-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('OSSBATCH_ACCOUNT_ID on an existing data directory', () => {
  it('may re-key a directory that owns nothing, but refuses one whose account owns buckets', async () => {
    const dataDir = tempDir();
    const first = await startServer(testConfig(dataDir, { accountId: '1111222233334444' }));
    await first.close();
    // Nothing owned yet: the id may still change.
    const second = await startServer(testConfig(dataDir, { accountId: '5555666677778888' }));
    expect(second.root.accountId).toBe('5555666677778888');
    await second.store.createBucket({
      name: 'kept',
      owner: second.root.accountId,
      acl: 'private',
      storageClass: 'Standard',
    });
    await second.close();

    await expect(startServer(testConfig(dataDir, { accountId: '9999000011112222' }))).rejects.toThrow(
      ConfigConflictError,
    );
    // Unset (or the same id): starts, and the bucket is still the account's.
    const third = await startServer(testConfig(dataDir));
    expect(third.root.accountId).toBe('5555666677778888');
    expect((await third.store.listBuckets('5555666677778888')).map((b) => b.name)).toEqual(['kept']);
    await third.close();

    const cli = spawnSync(
      process.execPath,
      [
        path.resolve('bin/ossbatch.js'),
        'server',
        '--port',
        '0',
        '--data-dir',
        dataDir,
        '--log-level',
        'silent',
      ],
      { env: { ...process.env, OSSBATCH_ACCOUNT_ID: '9999000011112222' }, encoding: 'utf8', timeout: 20_000 },
    );
    expect(cli.status).toBe(2);
    expect(cli.stderr.trim().split('\n')).toHaveLength(1);
    expect(cli.stderr).toContain('belongs to account 5555666677778888');
  });
});
