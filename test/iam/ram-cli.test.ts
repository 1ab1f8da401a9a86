import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { CliError, registerRamCommands } from '../../src/cli/ram.js';
import { createBackend } from '../../src/db/backend.js';
import { ManualClock } from '../../src/protocol/clock.js';
import { ctx, openIam, tmpDir } from './iam-fixtures.js';

/** Runs `ossbatch ram <args…> --data-dir <dir>` in-process and returns the parsed JSON it printed. */
async function ram(dataDir: string, ...args: string[]): Promise<Record<string, unknown>> {
  const out: string[] = [];
  const program = new Command('ossbatch')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerRamCommands(program, { out: (text) => out.push(text) });
  await program.parseAsync(['ram', ...args, '--data-dir', dataDir], { from: 'user' });
  expect(out).toHaveLength(1);
  return JSON.parse(out[0]!) as Record<string, unknown>;
}

async function ramError(dataDir: string, ...args: string[]): Promise<CliError> {
  try {
    await ram(dataDir, ...args);
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
async function servedDir(): Promise<string> {
  const dir = tmpDir();
  await (await createBackend({ db: { kind: 'sqlite' }, dataDir: dir })).close();
  return dir;
}

describe('ossbatch ram', () => {
  it('creates a user and an access key, and lists them', async () => {
    const dir = await servedDir();
    const user = await ram(dir, 'create-user', '--user-name', 'alice');
    expect(user).toMatchObject({ UserName: 'alice' });
    expect(user.UserId).toMatch(/^\d{16}$/);
    expect(user.Arn).toMatch(/^acs:ram::\d{16}:user\/alice$/);
    const key = await ram(dir, 'create-access-key', '--user-name', 'alice');
    expect(key.AccessKeyId).toMatch(/^LTAI/);
    expect(key.AccessKeySecret).toMatch(/^[A-Za-z0-9]{30}$/);
    expect(await ram(dir, 'list-users')).toEqual({ Users: [user] });
    expect(await ram(dir, 'get-user', '--user-name', 'alice')).toEqual(user);
    expect(await ram(dir, 'list-access-keys', '--user-name', 'alice')).toEqual({
      AccessKeys: [{ AccessKeyId: key.AccessKeyId, Status: 'Active', CreateDate: key.CreateDate }],
    });
    await ram(
      dir,
      'update-access-key',
      '--user-name',
      'alice',
      '--user-access-key-id',
      String(key.AccessKeyId),
      '--status',
      'Inactive',
    );
    expect(await ram(dir, 'list-access-keys', '--user-name', 'alice')).toMatchObject({
      AccessKeys: [{ Status: 'Inactive' }],
    });
    await ram(
      dir,
      'delete-access-key',
      '--user-name',
      'alice',
      '--user-access-key-id',
      String(key.AccessKeyId),
    );
    expect(await ram(dir, 'list-access-keys', '--user-name', 'alice')).toEqual({ AccessKeys: [] });
    expect(fs.existsSync(path.join(dir, 'ossbatch.db'))).toBe(true);
  });

  it('creates policies from a file or inline JSON and attaches them to users and roles', async () => {
    const dir = await servedDir();
    const file = path.join(dir, 'read.json');
    fs.writeFileSync(file, READ_DOC);
    await ram(dir, 'create-user', '--user-name', 'alice');
    expect(await ram(dir, 'create-policy', '--policy-name', 'read', '--policy-document', file)).toMatchObject(
      {
        PolicyName: 'read',
        PolicyType: 'Custom',
        DefaultVersion: 'v1',
      },
    );
    await ram(
      dir,
      'create-policy',
      '--policy-name',
      'inline',
      '--policy-document',
      READ_DOC,
      '--description',
      'inline one',
    );
    expect(await ram(dir, 'get-policy', '--policy-name', 'inline')).toMatchObject({
      PolicyDocument: READ_DOC,
      Description: 'inline one',
    });
    expect(await ram(dir, 'attach-policy-to-user', '--policy-name', 'read', '--user-name', 'alice')).toEqual({
      PolicyName: 'read',
      PolicyType: 'Custom',
      UserName: 'alice',
    });
    expect(await ram(dir, 'list-policies-for-user', '--user-name', 'alice')).toMatchObject({
      Policies: [{ PolicyName: 'read' }],
    });

    const trustFile = path.join(dir, 'trust.json');
    fs.writeFileSync(trustFile, TRUST);
    const role = await ram(
      dir,
      'create-role',
      '--role-name',
      'BatchRole',
      '--assume-role-policy-document',
      trustFile,
    );
    expect(role.Arn).toMatch(/^acs:ram::\d{16}:role\/BatchRole$/);
    expect(role.RoleId).toMatch(/^\d{19}$/);
    await ram(
      dir,
      'attach-policy-to-role',
      '--policy-name',
      'AliyunOSSFullAccess',
      '--role-name',
      'BatchRole',
    );
    expect(await ram(dir, 'list-policies-for-role', '--role-name', 'BatchRole')).toMatchObject({
      Policies: [{ PolicyName: 'AliyunOSSFullAccess', PolicyType: 'System' }],
    });
    expect(await ram(dir, 'list-roles')).toMatchObject({ Roles: [{ RoleName: 'BatchRole', Arn: role.Arn }] });
    const custom = (await ram(dir, 'list-policies', '--policy-type', 'Custom')) as {
      Policies: { PolicyName: string; AttachmentCount: number }[];
    };
    expect(custom.Policies.map((p) => [p.PolicyName, p.AttachmentCount])).toEqual([
      ['inline', 0],
      ['read', 1],
    ]);

    await ram(
      dir,
      'detach-policy-from-role',
      '--policy-name',
      'AliyunOSSFullAccess',
      '--role-name',
      'BatchRole',
    );
    expect(await ram(dir, 'list-policies-for-role', '--role-name', 'BatchRole')).toEqual({ Policies: [] });
    await ram(dir, 'delete-role', '--role-name', 'BatchRole');
    await ram(dir, 'delete-policy', '--policy-name', 'inline');
    expect(await ram(dir, 'list-roles')).toEqual({ Roles: [] });
  });

  it('rejects invalid policy documents with the reason, exit code 2', async () => {
    const dir = await servedDir();
    const bad = '{"Version":"1","Statement":[{"Effect":"Permit","Action":"oss:*","Resource":"*"}]}';
    const err = await ramError(dir, 'create-policy', '--policy-name', 'p', '--policy-document', bad);
    expect(err.exitCode).toBe(2);
    expect(err.message).toBe('invalid policy document: Statement[0].Effect must be Allow or Deny');
    expect(err.message).not.toContain('\n');
    expect(
      (await ramError(dir, 'create-policy', '--policy-name', 'p', '--policy-document', '{"Version":'))
        .message,
    ).toMatch(/^invalid policy document: policy document is not valid JSON/);
    expect(
      (
        await ramError(
          dir,
          'create-policy',
          '--policy-name',
          'p',
          '--policy-document',
          path.join(dir, 'missing.json'),
        )
      ).message,
    ).toMatch(/cannot read policy document .*missing\.json: no such file/);
    const noTrust = await ramError(
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
    expect(await ram(dir, 'list-policies', '--policy-type', 'Custom')).toEqual({ Policies: [] });
  });

  it('reports user errors on one line with exit code 2', async () => {
    const dir = await servedDir();
    await ram(dir, 'create-user', '--user-name', 'alice');
    const dup = await ramError(dir, 'create-user', '--user-name', 'alice');
    expect(dup.exitCode).toBe(2);
    expect(dup.message).toBe('EntityAlreadyExists.User: the user alice already exists');
    expect((await ramError(dir, 'create-access-key', '--user-name', 'nobody')).message).toBe(
      'EntityNotExist.User: the user nobody does not exist',
    );
    expect(
      (await ramError(dir, 'attach-policy-to-user', '--policy-name', 'nope', '--user-name', 'alice')).message,
    ).toMatch(/^EntityNotExist\.Policy/);
    expect((await ramError(dir, 'list-policies', '--policy-type', 'Mine')).message).toBe(
      '--policy-type must be Custom or System, not "Mine"',
    );
  });

  it('changes what a running server allows, without a restart', async () => {
    const dir = tmpDir();
    const clock = new ManualClock();
    const pair = await openIam(dir, clock, { service: { cacheClock: clock }, notifications: false });
    const rootAcct = await pair.backend.iamAdmin.ensureRootAccount({}, clock);
    const server = pair.iam;
    await ram(dir, 'create-user', '--user-name', 'alice');
    const key = await ram(dir, 'create-access-key', '--user-name', 'alice');
    const principal = (await server.findAccessKey(String(key.AccessKeyId)))?.principal;
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
    expect(await get()).toBe('deny');
    await ram(dir, 'create-policy', '--policy-name', 'read', '--policy-document', READ_DOC);
    await ram(dir, 'attach-policy-to-user', '--policy-name', 'read', '--user-name', 'alice');
    clock.advance(200);
    expect(await get()).toBe('allow');
    await pair.close();
  });

  it('mounts on a command that is already named ram', async () => {
    const out: string[] = [];
    const program = new Command('ossbatch').exitOverride();
    registerRamCommands(program.command('ram'), { out: (t) => out.push(t) });
    await program.parseAsync(['ram', 'list-users', '--data-dir', await servedDir()], { from: 'user' });
    expect(JSON.parse(out[0]!)).toEqual({ Users: [] });
  });
});
