import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerApiCommands } from '../../src/cli/api.js';
import { readConfigFile, registerConfigCommand, resolveConnection } from '../../src/cli/config-file.js';
import { processIo, type CliIo } from '../../src/cli/output.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { runCli, tempHome } from './cli-harness.js';

const home = tempHome();
let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer();
});
afterAll(async () => {
  await ts.close();
  home.cleanup();
});

const io = (env: Record<string, string>): CliIo => ({
  ...processIo(),
  env: { OSSBATCH_CONFIG: home.configFile, ...env },
  homeDir: home.home,
});

describe('ossbatch config', () => {
  it('writes ~/.ossbatch/config (via OSSBATCH_CONFIG) with mode 0600, merging later calls', async () => {
    const first = await runCli(
      [registerConfigCommand],
      [
        'config',
        '--endpoint',
        'http://file-endpoint:1',
        '--access-key-id',
        'FILEAK',
        '--access-key-secret',
        'FILESK',
      ],
      { home: home.home },
    );
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe(`wrote profile default to ${home.configFile}\n`);
    const second = await runCli(
      [registerConfigCommand],
      ['config', '--region', 'cn-shanghai', '--sign-version', 'V1'],
      { home: home.home },
    );
    expect(second.code, second.stderr).toBe(0);
    expect(fs.statSync(home.configFile).mode & 0o777).toBe(0o600);
    expect(readConfigFile(home.configFile)).toEqual({
      endpoint: 'http://file-endpoint:1',
      accessKeyId: 'FILEAK',
      accessKeySecret: 'FILESK',
      region: 'cn-shanghai',
      signVersion: 'v1',
    });
    const show = await runCli([registerConfigCommand], ['config', '--show'], { home: home.home });
    expect(show.stdout).toContain('access_key_secret = FIL****');
    expect(show.stdout).not.toContain('FILESK');
    const empty = await runCli([registerConfigCommand], ['config'], { home: home.home });
    expect(empty.code).toBe(2);
    const badVersion = await runCli([registerConfigCommand], ['config', '--sign-version', 'v3'], {
      home: home.home,
    });
    expect(badVersion.code).toBe(2);
  });

  it('precedence: flags > environment > config file, per setting', () => {
    const fromFile = resolveConnection({}, io({}));
    expect(fromFile).toEqual({
      endpoint: 'http://file-endpoint:1',
      accessKeyId: 'FILEAK',
      accessKeySecret: 'FILESK',
      region: 'cn-shanghai',
      signVersion: 'v1',
    });
    const envWins = resolveConnection(
      {},
      io({ OSS_ENDPOINT: 'http://env:2', OSS_ACCESS_KEY_ID: 'ENVAK', OSS_REGION: 'cn-beijing' }),
    );
    expect(envWins).toEqual({
      endpoint: 'http://env:2',
      accessKeyId: 'ENVAK',
      accessKeySecret: 'FILESK',
      region: 'cn-beijing',
      signVersion: 'v1',
    });
    const flagsWin = resolveConnection(
      { endpoint: 'http://flag:3', accessKeySecret: 'FLAGSK', signVersion: 'v4' },
      io({ OSS_ENDPOINT: 'http://env:2', OSS_ACCESS_KEY_SECRET: 'ENVSK' }),
    );
    expect(flagsWin).toEqual({
      endpoint: 'http://flag:3',
      accessKeyId: 'FILEAK',
      accessKeySecret: 'FLAGSK',
      region: 'cn-shanghai',
      signVersion: 'v4',
    });
  });

  it('a missing config file means flags/env only; --config-file points elsewhere', () => {
    const other = path.join(home.home, 'other.ini');
    fs.writeFileSync(
      other,
      '# comment\n[default]\nendpoint = http://other:9\naccess_key_id = O\naccess_key_secret = S\n[profile2]\nendpoint = http://ignored\n',
    );
    expect(resolveConnection({ configFile: other }, io({}))).toMatchObject({
      endpoint: 'http://other:9',
      accessKeyId: 'O',
    });
    expect(() => resolveConnection({}, io({ OSSBATCH_CONFIG: path.join(home.home, 'absent') }))).toThrow(
      /missing --endpoint/,
    );
  });

  it('end to end: the file has a wrong secret, the env var fixes it, a wrong flag breaks it again', async () => {
    fs.writeFileSync(
      home.configFile,
      `[default]\nendpoint = ${ts.url}\naccess_key_id = ${ts.root.accessKeyId}\naccess_key_secret = wrong\n`,
    );
    const fileOnly = await runCli([registerApiCommands], ['api', 'list-jobs'], { home: home.home });
    expect(fileOnly.code).toBe(1);
    expect(fileOnly.stderr).toMatch(/^ossbatch: SignatureDoesNotMatch: /);
    const envFix = await runCli([registerApiCommands], ['api', 'list-jobs'], {
      home: home.home,
      env: { OSS_ACCESS_KEY_SECRET: ts.root.secret },
    });
    expect(envFix.code, envFix.stderr).toBe(0);
    expect(envFix.stdout).toContain('<ListJobsResult>');
    const flagBreak = await runCli(
      [registerApiCommands],
      ['api', 'list-jobs', '--access-key-secret', 'nope'],
      { home: home.home, env: { OSS_ACCESS_KEY_SECRET: ts.root.secret } },
    );
    expect(flagBreak.code).toBe(1);
    for (const v of ['v1', 'v4']) {
      const r = await runCli([registerApiCommands], ['api', 'list-jobs', '--sign-version', v], {
        home: home.home,
        env: { OSS_ACCESS_KEY_SECRET: ts.root.secret },
      });
      expect(r.code, r.stderr).toBe(0);
    }
  });
});
