import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/protocol/clock.js';
import type { BucketInfo } from '../../src/store/types.js';
import { ctx, openIam, tmpDir, type IamPair } from './iam-fixtures.js';

const opened: IamPair[] = [];
afterEach(async () => {
  for (const pair of opened.splice(0)) await pair.close();
});

/** The server's connection and a second one on the same file, standing in for the `ossbatch ram` CLI. */
async function twoConnections() {
  const dir = tmpDir();
  const clock = new ManualClock(Date.parse('2026-06-01T00:00:00Z'));
  // No notification subscription on the server side: this suite pins down the change-token re-check on
  // the cache clock, which is what catches another process's write (the notifier is a faster extra).
  const serverPair = await openIam(dir, clock, { service: { cacheClock: clock }, notifications: false });
  const cliPair = await openIam(dir, clock, { notifications: false });
  opened.push(serverPair, cliPair);
  return { server: serverPair.iam, cli: cliPair.iam, clock, accountId: serverPair.accountId };
}

describe('SqliteIam change detection', () => {
  it('serves a cached key until 200 ms of clock time pass, then sees its deletion by another connection', async () => {
    const { server, cli, clock } = await twoConnections();
    await cli.createUser({ userName: 'alice' });
    const key = await cli.createAccessKey('alice');
    // A key never seen before is read from the database at once.
    expect((await server.findAccessKey(key.AccessKeyId))?.principal).toMatchObject({
      kind: 'user',
      userName: 'alice',
    });
    await cli.deleteAccessKey('alice', key.AccessKeyId);
    expect(await server.findAccessKey(key.AccessKeyId)).toBeDefined(); // within the window: cached, no query
    clock.advance(199);
    expect(await server.findAccessKey(key.AccessKeyId)).toBeDefined();
    clock.advance(1);
    expect(await server.findAccessKey(key.AccessKeyId)).toBeUndefined();
  });

  it('drops cached policies when another connection attaches, changes or detaches one', async () => {
    const { server, cli, clock, accountId } = await twoConnections();
    await cli.createUser({ userName: 'alice' });
    const key = await cli.createAccessKey('alice');
    clock.advance(1000);
    const alice = (await server.findAccessKey(key.AccessKeyId))!.principal;
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
    expect(await get()).toBe('deny');

    const readAll =
      '{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Resource":"*"}]}';
    await cli.createPolicy({ policyName: 'read', policyDocument: readAll });
    await cli.attachPolicyToUser('read', 'alice');
    expect(await get()).toBe('deny');
    clock.advance(200);
    expect(await get()).toBe('allow');

    await cli.createPolicyVersion(
      'read',
      '{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Resource":"acs:oss:*:*:other/*"}]}',
    );
    clock.advance(200);
    expect(await get()).toBe('deny');

    await cli.createPolicyVersion('read', readAll);
    clock.advance(200);
    expect(await get()).toBe('allow');
    await cli.detachPolicyFromUser('read', 'alice');
    clock.advance(200);
    expect(await get()).toBe('deny');
  });

  it('forgets a deleted access key and a deleted role', async () => {
    const { server, cli, clock, accountId } = await twoConnections();
    await cli.createUser({ userName: 'alice' });
    const key = await cli.createAccessKey('alice');
    await cli.createRole({
      roleName: 'r',
      assumeRolePolicyDocument:
        '{"Version":"1","Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":["oss.aliyuncs.com"]}}]}',
    });
    clock.advance(200);
    expect(await server.findAccessKey(key.AccessKeyId)).toBeDefined();
    expect(await server.findRoleByArn(`acs:ram::${accountId}:role/r`)).toBeDefined();
    await cli.deleteAccessKey('alice', key.AccessKeyId);
    await cli.deleteRole('r');
    clock.advance(200);
    expect(await server.findAccessKey(key.AccessKeyId)).toBeUndefined();
    expect(await server.findRoleByArn(`acs:ram::${accountId}:role/r`)).toBeUndefined();
  });

  it("on real time, sees another connection's write within a second even when the logic clock stands still", async () => {
    const dir = tmpDir();
    const frozen = new ManualClock(0);
    const serverPair = await openIam(dir, frozen, { notifications: false });
    const cliPair = await openIam(dir, frozen, { notifications: false });
    opened.push(serverPair, cliPair);
    const server = serverPair.iam;
    const cli = cliPair.iam;
    await cli.createUser({ userName: 'alice' });
    const key = await cli.createAccessKey('alice');
    expect(await server.findAccessKey(key.AccessKeyId)).toBeDefined();
    await cli.deleteAccessKey('alice', key.AccessKeyId);
    const started = performance.now();
    while (
      (await server.findAccessKey(key.AccessKeyId)) !== undefined &&
      performance.now() - started < 1000
    ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await server.findAccessKey(key.AccessKeyId)).toBeUndefined();
  });

  it('sees its own writes at once', async () => {
    const { server } = await twoConnections();
    await server.createUser({ userName: 'bob' });
    const key = await server.createAccessKey('bob');
    expect(await server.findAccessKey(key.AccessKeyId)).toBeDefined();
  });
});
