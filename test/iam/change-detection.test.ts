import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, type SqliteDb } from '../../src/db/sqlite.js';
import { createSqliteIam, ensureAccountId } from '../../src/iam/index.js';
import { ManualClock } from '../../src/protocol/clock.js';
import type { BucketInfo } from '../../src/store/types.js';
import { ctx, tmpDir } from './iam-fixtures.js';

const opened: SqliteDb[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

/** The server's connection and a second one on the same file, standing in for the `ossbatch ram` CLI. */
function twoConnections() {
  const file = path.join(tmpDir(), 'ossbatch.db');
  const serverDb = openSqlite(file);
  const cliDb = openSqlite(file);
  opened.push(serverDb, cliDb);
  const clock = new ManualClock(Date.parse('2026-06-01T00:00:00Z'));
  const accountId = ensureAccountId(serverDb, clock);
  const server = createSqliteIam(serverDb, { accountId, region: 'cn-hangzhou', clock, cacheClock: clock });
  const cli = createSqliteIam(cliDb, {
    accountId: ensureAccountId(cliDb, clock),
    region: 'cn-hangzhou',
    clock,
  });
  return { server, cli, clock, accountId };
}

describe('SqliteIam change detection', () => {
  it('serves a cached key until 200 ms of clock time pass, then sees its deletion by another connection', () => {
    const { server, cli, clock } = twoConnections();
    cli.createUser({ userName: 'alice' });
    const key = cli.createAccessKey('alice');
    // A key never seen before is read from the database at once.
    expect(server.findAccessKey(key.AccessKeyId)?.principal).toMatchObject({
      kind: 'user',
      userName: 'alice',
    });
    cli.deleteAccessKey('alice', key.AccessKeyId);
    expect(server.findAccessKey(key.AccessKeyId)).toBeDefined(); // within the window: cached, no query
    clock.advance(199);
    expect(server.findAccessKey(key.AccessKeyId)).toBeDefined();
    clock.advance(1);
    expect(server.findAccessKey(key.AccessKeyId)).toBeUndefined();
  });

  it('drops cached policies when another connection attaches, changes or detaches one', () => {
    const { server, cli, clock, accountId } = twoConnections();
    cli.createUser({ userName: 'alice' });
    const key = cli.createAccessKey('alice');
    clock.advance(1000);
    const alice = server.findAccessKey(key.AccessKeyId)!.principal;
    const bucket: BucketInfo = {
      name: 'b',
      owner: accountId,
      acl: 'private',
      storageClass: 'Standard',
      region: 'cn-hangzhou',
      createdAt: 0,
      policy: null,
    };
    const get = () =>
      server.authorize({
        principal: alice,
        action: 'oss:GetObject',
        resource: `acs:oss:cn-hangzhou:${accountId}:b/k`,
        bucket,
        context: ctx(),
      });
    expect(get()).toBe('deny');

    const readAll =
      '{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Resource":"*"}]}';
    cli.createPolicy({ policyName: 'read', policyDocument: readAll });
    cli.attachPolicyToUser('read', 'alice');
    expect(get()).toBe('deny');
    clock.advance(200);
    expect(get()).toBe('allow');

    cli.createPolicyVersion(
      'read',
      '{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Resource":"acs:oss:*:*:other/*"}]}',
    );
    clock.advance(200);
    expect(get()).toBe('deny');

    cli.createPolicyVersion('read', readAll);
    clock.advance(200);
    expect(get()).toBe('allow');
    cli.detachPolicyFromUser('read', 'alice');
    clock.advance(200);
    expect(get()).toBe('deny');
  });

  it('forgets a deleted access key and a deleted role', () => {
    const { server, cli, clock, accountId } = twoConnections();
    cli.createUser({ userName: 'alice' });
    const key = cli.createAccessKey('alice');
    cli.createRole({
      roleName: 'r',
      assumeRolePolicyDocument:
        '{"Version":"1","Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":["oss.aliyuncs.com"]}}]}',
    });
    clock.advance(200);
    expect(server.findAccessKey(key.AccessKeyId)).toBeDefined();
    expect(server.findRoleByArn(`acs:ram::${accountId}:role/r`)).toBeDefined();
    cli.deleteAccessKey('alice', key.AccessKeyId);
    cli.deleteRole('r');
    clock.advance(200);
    expect(server.findAccessKey(key.AccessKeyId)).toBeUndefined();
    expect(server.findRoleByArn(`acs:ram::${accountId}:role/r`)).toBeUndefined();
  });

  it("on real time, sees another connection's write within a second even when the logic clock stands still", async () => {
    const file = path.join(tmpDir(), 'ossbatch.db');
    const serverDb = openSqlite(file);
    const cliDb = openSqlite(file);
    opened.push(serverDb, cliDb);
    const frozen = new ManualClock(0);
    const accountId = ensureAccountId(serverDb);
    const server = createSqliteIam(serverDb, { accountId, region: 'cn-hangzhou', clock: frozen });
    const cli = createSqliteIam(cliDb, { accountId, region: 'cn-hangzhou', clock: frozen });
    cli.createUser({ userName: 'alice' });
    const key = cli.createAccessKey('alice');
    expect(server.findAccessKey(key.AccessKeyId)).toBeDefined();
    cli.deleteAccessKey('alice', key.AccessKeyId);
    const started = performance.now();
    while (server.findAccessKey(key.AccessKeyId) !== undefined && performance.now() - started < 1000) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(server.findAccessKey(key.AccessKeyId)).toBeUndefined();
  });

  it('sees its own writes at once', () => {
    const { server } = twoConnections();
    server.createUser({ userName: 'bob' });
    const key = server.createAccessKey('bob');
    expect(server.findAccessKey(key.AccessKeyId)).toBeDefined();
  });
});
