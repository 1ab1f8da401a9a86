import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { CliError, registerRamCommands } from '../../src/cli/ram.js';
import { openSqlite } from '../../src/db/sqlite.js';
import { createSqliteIam, ensureRootAccount } from '../../src/iam/index.js';
import { ManualClock } from '../../src/protocol/clock.js';
import { ctx, tmpDir } from './iam-fixtures.js';

/** Runs `ossbatch ram <args…> --data-dir <dir>` in-process and returns the parsed JSON it printed. */
function ram(dataDir: string, ...args: string[]): Record<string, unknown> {
  const out: string[] = [];
  const program = new Command('ossbatch')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerRamCommands(program, { out: (text) => out.push(text) });
  program.parse(['ram', ...args, '--data-dir', dataDir], { from: 'user' });
  expect(out).toHaveLength(1);
  return JSON.parse(out[0]!) as Record<string, unknown>;
}

function ramError(dataDir: string, ...args: string[]): CliError {
  try {
    ram(dataDir, ...args);
  } catch (err) {
    expect(err).toBeInstanceOf(CliError);
    return err as CliError;
  }
  throw new Error('expected the command to fail');
}

const READ_DOC =
  '{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Resource":"acs:oss:*:*:b/*"}]}';
const TRUST =
  '{"Version":"1","Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":["oss.aliyuncs.com"]}}]}';

/** A data dir a server has served (its database exists): `ram` refuses any other (issue 11). */
function servedDir(): string {
  const dir = tmpDir();
  openSqlite(path.join(dir, 'ossbatch.db')).close();
  return dir;
}

describe('ossbatch ram', () => {
  it('creates a user and an access key, and lists them', () => {
    const dir = servedDir();
    const user = ram(dir, 'create-user', '--user-name', 'alice');
    expect(user).toMatchObject({ UserName: 'alice' });
    expect(user.UserId).toMatch(/^\d{16}$/);
    expect(user.Arn).toMatch(/^acs:ram::\d{16}:user\/alice$/);
    const key = ram(dir, 'create-access-key', '--user-name', 'alice');
    expect(key.AccessKeyId).toMatch(/^LTAI/);
    expect(key.AccessKeySecret).toMatch(/^[A-Za-z0-9]{30}$/);
    expect(ram(dir, 'list-users')).toEqual({ Users: [user] });
    expect(ram(dir, 'get-user', '--user-name', 'alice')).toEqual(user);
    expect(ram(dir, 'list-access-keys', '--user-name', 'alice')).toEqual({
      AccessKeys: [{ AccessKeyId: key.AccessKeyId, Status: 'Active', CreateDate: key.CreateDate }],
    });
    ram(
      dir,
      'update-access-key',
      '--user-name',
      'alice',
      '--user-access-key-id',
      String(key.AccessKeyId),
      '--status',
      'Inactive',
    );
    expect(ram(dir, 'list-access-keys', '--user-name', 'alice')).toMatchObject({
      AccessKeys: [{ Status: 'Inactive' }],
    });
    ram(dir, 'delete-access-key', '--user-name', 'alice', '--user-access-key-id', String(key.AccessKeyId));
    expect(ram(dir, 'list-access-keys', '--user-name', 'alice')).toEqual({ AccessKeys: [] });
    expect(fs.existsSync(path.join(dir, 'ossbatch.db'))).toBe(true);
  });

  it('creates policies from a file or inline JSON and attaches them to users and roles', () => {
    const dir = servedDir();
    const file = path.join(dir, 'read.json');
    fs.writeFileSync(file, READ_DOC);
    ram(dir, 'create-user', '--user-name', 'alice');
    expect(ram(dir, 'create-policy', '--policy-name', 'read', '--policy-document', file)).toMatchObject({
      PolicyName: 'read',
      PolicyType: 'Custom',
      DefaultVersion: 'v1',
    });
    ram(
      dir,
      'create-policy',
      '--policy-name',
      'inline',
      '--policy-document',
      READ_DOC,
      '--description',
      'inline one',
    );
    expect(ram(dir, 'get-policy', '--policy-name', 'inline')).toMatchObject({
      PolicyDocument: READ_DOC,
      Description: 'inline one',
    });
    expect(ram(dir, 'attach-policy-to-user', '--policy-name', 'read', '--user-name', 'alice')).toEqual({
      PolicyName: 'read',
      PolicyType: 'Custom',
      UserName: 'alice',
    });
    expect(ram(dir, 'list-policies-for-user', '--user-name', 'alice')).toMatchObject({
      Policies: [{ PolicyName: 'read' }],
    });

    const trustFile = path.join(dir, 'trust.json');
    fs.writeFileSync(trustFile, TRUST);
    const role = ram(
      dir,
      'create-role',
      '--role-name',
      'BatchRole',
      '--assume-role-policy-document',
      trustFile,
    );
    expect(role.Arn).toMatch(/^acs:ram::\d{16}:role\/BatchRole$/);
    expect(role.RoleId).toMatch(/^\d{19}$/);
    ram(dir, 'attach-policy-to-role', '--policy-name', 'AliyunOSSFullAccess', '--role-name', 'BatchRole');
    expect(ram(dir, 'list-policies-for-role', '--role-name', 'BatchRole')).toMatchObject({
      Policies: [{ PolicyName: 'AliyunOSSFullAccess', PolicyType: 'System' }],
    });
    expect(ram(dir, 'list-roles')).toMatchObject({ Roles: [{ RoleName: 'BatchRole', Arn: role.Arn }] });
    const custom = ram(dir, 'list-policies', '--policy-type', 'Custom') as {
      Policies: { PolicyName: string; AttachmentCount: number }[];
    };
    expect(custom.Policies.map((p) => [p.PolicyName, p.AttachmentCount])).toEqual([
      ['inline', 0],
      ['read', 1],
    ]);

    ram(dir, 'detach-policy-from-role', '--policy-name', 'AliyunOSSFullAccess', '--role-name', 'BatchRole');
    expect(ram(dir, 'list-policies-for-role', '--role-name', 'BatchRole')).toEqual({ Policies: [] });
    ram(dir, 'delete-role', '--role-name', 'BatchRole');
    ram(dir, 'delete-policy', '--policy-name', 'inline');
    expect(ram(dir, 'list-roles')).toEqual({ Roles: [] });
  });

  it('rejects invalid policy documents with the reason, exit code 2', () => {
    const dir = servedDir();
    const bad = '{"Version":"1","Statement":[{"Effect":"Permit","Action":"oss:*","Resource":"*"}]}';
    const err = ramError(dir, 'create-policy', '--policy-name', 'p', '--policy-document', bad);
    expect(err.exitCode).toBe(2);
    expect(err.message).toBe('invalid policy document: Statement[0].Effect must be Allow or Deny');
    expect(err.message).not.toContain('\n');
    expect(
      ramError(dir, 'create-policy', '--policy-name', 'p', '--policy-document', '{"Version":').message,
    ).toMatch(/^invalid policy document: policy document is not valid JSON/);
    expect(
      ramError(
        dir,
        'create-policy',
        '--policy-name',
        'p',
        '--policy-document',
        path.join(dir, 'missing.json'),
      ).message,
    ).toMatch(/cannot read policy document .*missing\.json: no such file/);
    const noTrust = ramError(
      dir,
      'create-role',
      '--role-name',
      'r',
      '--assume-role-policy-document',
      '{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}',
    );
    expect(noTrust.message).toBe(
      'invalid policy document: Statement[0].Principal is required in a trust policy',
    );
    expect(ram(dir, 'list-policies', '--policy-type', 'Custom')).toEqual({ Policies: [] });
  });

  it('reports user errors on one line with exit code 2', () => {
    const dir = servedDir();
    ram(dir, 'create-user', '--user-name', 'alice');
    const dup = ramError(dir, 'create-user', '--user-name', 'alice');
    expect(dup.exitCode).toBe(2);
    expect(dup.message).toBe('EntityAlreadyExists.User: the user alice already exists');
    expect(ramError(dir, 'create-access-key', '--user-name', 'nobody').message).toBe(
      'EntityNotExist.User: the user nobody does not exist',
    );
    expect(
      ramError(dir, 'attach-policy-to-user', '--policy-name', 'nope', '--user-name', 'alice').message,
    ).toMatch(/^EntityNotExist\.Policy/);
    expect(ramError(dir, 'list-policies', '--policy-type', 'Mine').message).toBe(
      '--policy-type must be Custom or System, not "Mine"',
    );
  });

  it('changes what a running server allows, without a restart', () => {
    const dir = tmpDir();
    const serverDb = openSqlite(path.join(dir, 'ossbatch.db'));
    const rootAcct = ensureRootAccount(serverDb, {});
    const clock = new ManualClock();
    const server = createSqliteIam(serverDb, {
      accountId: rootAcct.accountId,
      region: 'cn-hangzhou',
      clock,
      cacheClock: clock,
    });
    ram(dir, 'create-user', '--user-name', 'alice');
    const key = ram(dir, 'create-access-key', '--user-name', 'alice');
    const principal = server.findAccessKey(String(key.AccessKeyId))?.principal;
    expect(principal).toMatchObject({ kind: 'user', userName: 'alice', accountId: rootAcct.accountId });
    const bucket = {
      name: 'b',
      owner: rootAcct.accountId,
      acl: 'private',
      storageClass: 'Standard',
      region: 'cn-hangzhou',
      createdAt: 0,
      policy: null,
    } as const;
    const get = () =>
      server.authorize({
        principal: principal!,
        action: 'oss:GetObject',
        resource: `acs:oss:cn-hangzhou:${rootAcct.accountId}:b/k`,
        bucket,
        context: ctx(),
      });
    expect(get()).toBe('deny');
    ram(dir, 'create-policy', '--policy-name', 'read', '--policy-document', READ_DOC);
    ram(dir, 'attach-policy-to-user', '--policy-name', 'read', '--user-name', 'alice');
    clock.advance(200);
    expect(get()).toBe('allow');
    serverDb.close();
  });

  it('mounts on a command that is already named ram', () => {
    const out: string[] = [];
    const program = new Command('ossbatch').exitOverride();
    registerRamCommands(program.command('ram'), { out: (t) => out.push(t) });
    program.parse(['ram', 'list-users', '--data-dir', servedDir()], { from: 'user' });
    expect(JSON.parse(out[0]!)).toEqual({ Users: [] });
  });
});
