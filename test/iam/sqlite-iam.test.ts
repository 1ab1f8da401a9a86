import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IamAdminError, type IamAdmin } from '../../src/iam/index.js';
import type { AuthzRequest, Iam, Principal } from '../../src/iam/types.js';
import { ManualClock } from '../../src/protocol/clock.js';
import type { BucketAcl, BucketInfo, ObjectAcl } from '../../src/store/types.js';
import { anonymous, ctx, openIam, OTHER_ACCOUNT, tmpDir, type IamPair } from './iam-fixtures.js';

const TRUST_OSS =
  '{"Version":"1","Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":["oss.aliyuncs.com"]}}]}';
const doc = (...statements: object[]): string => JSON.stringify({ Version: '1', Statement: statements });

let pair: IamPair;
let iam: Iam & IamAdmin;
let account: string;
const clock = new ManualClock(Date.parse('2026-06-01T00:00:00Z'));

beforeEach(async () => {
  pair = await openIam(tmpDir(), clock);
  account = pair.accountId;
  iam = pair.iam;
});
afterEach(() => pair.close());

const bucket = (acl: BucketAcl = 'private', policy: string | null = null, owner = account): BucketInfo => ({
  name: 'b',
  owner,
  acl,
  storageClass: 'Standard',
  region: 'cn-hangzhou',
  createdAt: 0,
  policy,
});

async function ask(
  principal: Principal,
  action: string,
  key: string | null,
  b: BucketInfo | undefined,
  objectAcl?: ObjectAcl,
): Promise<string> {
  const resource =
    key === null
      ? `acs:oss:cn-hangzhou:${b?.owner ?? account}:b`
      : `acs:oss:cn-hangzhou:${b?.owner ?? account}:b/${key}`;
  const req: AuthzRequest = { principal, action, resource, bucket: b, objectAcl, context: ctx() };
  return await iam.authorize(req);
}

async function newUser(name: string): Promise<Principal> {
  await iam.createUser({ userName: name });
  const key = await iam.createAccessKey(name);
  const record = await iam.findAccessKey(key.AccessKeyId);
  if (!record) throw new Error('key not found');
  return record.principal;
}

describe('SqliteIam.authorize', () => {
  it('always allows the root of the owning account, even against a bucket-policy Deny', async () => {
    const rootP: Principal = { kind: 'root', accountId: account, accessKeyId: 'x' };
    const denyAll = doc({ Effect: 'Deny', Action: 'oss:*', Resource: '*', Principal: '*' });
    expect(await ask(rootP, 'oss:DeleteObject', 'k', bucket('private', denyAll))).toBe('allow');
    expect(
      await iam.authorize({
        principal: rootP,
        action: 'oss:CreateJob',
        resource: `acs:oss:cn-hangzhou:${account}:*`,
        context: ctx(),
      }),
    ).toBe('allow');
    const foreignRoot: Principal = { kind: 'root', accountId: OTHER_ACCOUNT, accessKeyId: 'y' };
    expect(await ask(foreignRoot, 'oss:GetObject', 'k', bucket())).toBe('deny');
  });

  it('denies a RAM user with no policy everything, then follows attached policies', async () => {
    const alice = await newUser('alice');
    for (const action of ['oss:GetObject', 'oss:PutObject', 'oss:ListObjects', 'oss:CreateJob']) {
      expect(await ask(alice, action, 'k', bucket())).toBe('deny');
    }
    await iam.createPolicy({
      policyName: 'read-photos',
      policyDocument: doc({ Effect: 'Allow', Action: 'oss:GetObject', Resource: 'acs:oss:*:*:b/photos/*' }),
    });
    await iam.attachPolicyToUser('read-photos', 'alice');
    expect(await ask(alice, 'oss:GetObject', 'photos/1.jpg', bucket())).toBe('allow');
    expect(await ask(alice, 'oss:GetObject', 'docs/1.txt', bucket())).toBe('deny');
    await iam.attachPolicyToUser('AliyunOSSReadOnlyAccess', 'alice');
    expect(await ask(alice, 'oss:GetObject', 'docs/1.txt', bucket())).toBe('allow');
    expect(await ask(alice, 'oss:PutObject', 'docs/1.txt', bucket())).toBe('deny');
    await iam.detachPolicyFromUser('AliyunOSSReadOnlyAccess', 'alice');
    expect(await ask(alice, 'oss:GetObject', 'docs/1.txt', bucket())).toBe('deny');
  });

  it('lets the job APIs be granted with Resource * on the service resource', async () => {
    const alice = await newUser('alice');
    const service = {
      principal: alice,
      action: 'oss:CreateJob',
      resource: `acs:oss:cn-hangzhou:${account}:*`,
      context: ctx(),
    };
    expect(await iam.authorize(service)).toBe('deny');
    await iam.createPolicy({
      policyName: 'jobs',
      policyDocument: doc({ Effect: 'Allow', Action: ['oss:CreateJob', 'oss:DescribeJob'], Resource: '*' }),
    });
    await iam.attachPolicyToUser('jobs', 'alice');
    expect(await iam.authorize(service)).toBe('allow');
    expect(await iam.authorize({ ...service, action: 'oss:UpdateJobStatus' })).toBe('deny');
  });

  it('grants through the bucket policy by UserId, and an explicit Deny beats a RAM Allow', async () => {
    const alice = await newUser('alice');
    const bob = await newUser('bob');
    const aliceId = alice.kind === 'user' ? alice.userId : '';
    const grant = doc({
      Effect: 'Allow',
      Action: 'oss:GetObject',
      Resource: 'acs:oss:*:*:b/*',
      Principal: [aliceId],
    });
    expect(await ask(alice, 'oss:GetObject', 'k', bucket('private', grant))).toBe('allow');
    expect(await ask(bob, 'oss:GetObject', 'k', bucket('private', grant))).toBe('deny');
    await iam.attachPolicyToUser('AliyunOSSFullAccess', 'bob');
    const denyBob = doc({
      Effect: 'Deny',
      Action: 'oss:GetObject',
      Resource: 'acs:oss:*:*:b/*',
      Principal: [bob.kind === 'user' ? bob.arn : ''],
    });
    expect(await ask(bob, 'oss:GetObject', 'k', bucket('private', denyBob))).toBe('deny');
    expect(await ask(bob, 'oss:GetObject', 'k', bucket('private'))).toBe('allow');
  });

  it('does not let RAM policies reach buckets of another account, but its bucket policy can', async () => {
    const alice = await newUser('alice');
    await iam.attachPolicyToUser('AliyunOSSFullAccess', 'alice');
    expect(await ask(alice, 'oss:GetObject', 'k', bucket('private', null, OTHER_ACCOUNT))).toBe('deny');
    const grant = doc({
      Effect: 'Allow',
      Action: 'oss:GetObject',
      Resource: 'acs:oss:*:*:b/*',
      Principal: '*',
    });
    expect(await ask(alice, 'oss:GetObject', 'k', bucket('private', grant, OTHER_ACCOUNT))).toBe('allow');
  });

  it('applies the canned ACL matrix to anonymous callers', async () => {
    const cases: [BucketAcl, ObjectAcl | undefined, string, string | null, string][] = [
      ['private', undefined, 'oss:GetObject', 'k', 'deny'],
      ['public-read', undefined, 'oss:GetObject', 'k', 'allow'],
      ['public-read', 'default', 'oss:GetObject', 'k', 'allow'],
      ['public-read', 'private', 'oss:GetObject', 'k', 'deny'],
      ['private', 'public-read', 'oss:GetObject', 'k', 'allow'],
      ['private', 'default', 'oss:GetObject', 'k', 'deny'],
      ['public-read', undefined, 'oss:ListObjects', null, 'allow'],
      ['private', undefined, 'oss:ListObjects', null, 'deny'],
      ['public-read', undefined, 'oss:PutObject', 'k', 'deny'],
      ['public-read-write', undefined, 'oss:PutObject', 'k', 'allow'],
      ['public-read-write', 'default', 'oss:DeleteObject', 'k', 'allow'],
      ['private', 'public-read-write', 'oss:PutObject', 'k', 'allow'],
      ['public-read-write', 'public-read', 'oss:PutObject', 'k', 'deny'],
      ['public-read-write', undefined, 'oss:GetObjectAcl', 'k', 'deny'],
      ['public-read-write', undefined, 'oss:PutObjectAcl', 'k', 'deny'],
      ['public-read-write', undefined, 'oss:PutObjectTagging', 'k', 'deny'],
      ['public-read-write', undefined, 'oss:GetBucketInfo', null, 'deny'],
    ];
    for (const [bucketAcl, objectAcl, action, key, expected] of cases) {
      expect(
        await ask(anonymous, action, key, bucket(bucketAcl), objectAcl),
        `${bucketAcl}/${objectAcl ?? '-'} ${action}`,
      ).toBe(expected);
    }
  });

  it('lets a RAM user with no policy read a public-read object, but not past a bucket-policy Deny', async () => {
    const alice = await newUser('alice');
    expect(await ask(alice, 'oss:GetObject', 'k', bucket('public-read'))).toBe('allow');
    const deny = doc({
      Effect: 'Deny',
      Action: 'oss:GetObject',
      Resource: 'acs:oss:*:*:b/*',
      Principal: '*',
    });
    expect(await ask(alice, 'oss:GetObject', 'k', bucket('public-read', deny))).toBe('deny');
    expect(await ask(anonymous, 'oss:GetObject', 'k', bucket('public-read', deny))).toBe('deny');
  });

  it('fails closed on a stored bucket policy that does not parse (it may have held a Deny); root keeps access', async () => {
    expect(await ask(anonymous, 'oss:GetObject', 'k', bucket('private', '{oops'))).toBe('deny');
    expect(await ask(anonymous, 'oss:GetObject', 'k', bucket('public-read', '{oops'))).toBe('deny');
    expect(await ask(anonymous, 'oss:GetObject', 'k', bucket('public-read'))).toBe('allow');
    const rootP: Principal = { kind: 'root', accountId: account, accessKeyId: 'x' };
    expect(await ask(rootP, 'oss:GetObject', 'k', bucket('private', '{oops'))).toBe('allow');
  });

  it('authorizes a batch job role by its own policies', async () => {
    await iam.createRole({ roleName: 'BatchRole', assumeRolePolicyDocument: TRUST_OSS });
    const role = await iam.findRoleByArn(`acs:ram::${account}:role/BatchRole`);
    expect(role).toBeDefined();
    const principal = iam.roleAsPrincipal(role!);
    expect(principal).toMatchObject({
      kind: 'role',
      roleName: 'BatchRole',
      accountId: account,
      arn: `acs:ram::${account}:role/BatchRole`,
    });
    expect(await ask(principal, 'oss:PutObjectTagging', 'k', bucket())).toBe('deny');
    await iam.createPolicy({
      policyName: 'tagger',
      policyDocument: doc({
        Effect: 'Allow',
        Action: 'oss:PutObjectTagging',
        Resource: ['acs:oss:*:*:b', 'acs:oss:*:*:b/*'],
      }),
    });
    await iam.attachPolicyToRole('tagger', 'BatchRole');
    expect(await ask(principal, 'oss:PutObjectTagging', 'k', bucket())).toBe('allow');
    expect(await ask(principal, 'oss:DeleteObject', 'k', bucket())).toBe('deny');
  });
});

describe('SqliteIam lookups', () => {
  it('finds access keys with their principal and status', async () => {
    const { UserId } = await iam.createUser({ userName: 'alice' });
    const key = await iam.createAccessKey('alice');
    expect(key.AccessKeyId).toMatch(/^LTAI[A-Za-z0-9]{20}$/);
    expect(key.AccessKeySecret).toMatch(/^[A-Za-z0-9]{30}$/);
    expect(UserId).toMatch(/^[1-9]\d{15}$/);
    const rec = await iam.findAccessKey(key.AccessKeyId);
    expect(rec).toMatchObject({ secret: key.AccessKeySecret, active: true });
    expect(rec?.principal).toEqual({
      kind: 'user',
      accountId: account,
      userId: UserId,
      userName: 'alice',
      arn: `acs:ram::${account}:user/alice`,
      accessKeyId: key.AccessKeyId,
    });
    await iam.updateAccessKey('alice', key.AccessKeyId, 'Inactive');
    expect((await iam.findAccessKey(key.AccessKeyId))?.active).toBe(false);
    await iam.deleteAccessKey('alice', key.AccessKeyId);
    expect(await iam.findAccessKey(key.AccessKeyId)).toBeUndefined();
    expect(await iam.findAccessKey('LTAInope')).toBeUndefined();
  });

  it('finds roles by ARN (optional arn: prefix, own account only) and checks OSS trust', async () => {
    await iam.createRole({ roleName: 'BatchRole', assumeRolePolicyDocument: TRUST_OSS });
    await iam.createRole({
      roleName: 'EcsRole',
      assumeRolePolicyDocument:
        '{"Version":"1","Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":"ecs.aliyuncs.com"}}]}',
    });
    await iam.createRole({
      roleName: 'StringForm',
      assumeRolePolicyDocument:
        '{"Version":"1","Statement":{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":"oss.aliyuncs.com"}}}',
    });
    const role = await iam.findRoleByArn(`arn:acs:ram::${account}:role/BatchRole`);
    expect(role?.roleName).toBe('BatchRole');
    expect(role?.roleId).toMatch(/^\d{19}$/);
    expect(await iam.findRoleByArn(`acs:ram::${OTHER_ACCOUNT}:role/BatchRole`)).toBeUndefined();
    expect(await iam.findRoleByArn(`acs:ram::${account}:role/Nope`)).toBeUndefined();
    expect(await iam.findRoleByArn('BatchRole')).toBeUndefined();
    expect(iam.roleTrustsOss(role!)).toBe(true);
    expect(iam.roleTrustsOss((await iam.findRoleByArn(`acs:ram::${account}:role/EcsRole`))!)).toBe(false);
    expect(iam.roleTrustsOss((await iam.findRoleByArn(`acs:ram::${account}:role/StringForm`))!)).toBe(true);
  });

  it('reports admin errors with RAM-style codes', async () => {
    await iam.createUser({ userName: 'alice' });
    const code = async (fn: () => unknown): Promise<string | undefined> => {
      try {
        await fn();
      } catch (err) {
        return err instanceof IamAdminError ? err.code : 'other';
      }
      return undefined;
    };
    expect(await code(() => iam.createUser({ userName: 'alice' }))).toBe('EntityAlreadyExists');
    expect(await code(() => iam.createUser({ userName: 'bad name' }))).toBe('InvalidParameter');
    expect(await code(() => iam.createAccessKey('nobody'))).toBe('EntityNotExist');
    expect(await code(() => iam.createPolicy({ policyName: 'p', policyDocument: '{"Version":"1"}' }))).toBe(
      'MalformedPolicyDocument',
    );
    await iam.createPolicy({
      policyName: 'p',
      policyDocument: doc({ Effect: 'Allow', Action: 'oss:*', Resource: '*' }),
    });
    await iam.attachPolicyToUser('p', 'alice');
    expect(await code(() => iam.deletePolicy('p'))).toBe('DeleteConflict');
    await iam.createAccessKey('alice');
    await iam.createAccessKey('alice');
    expect(await code(() => iam.createAccessKey('alice'))).toBe('LimitExceeded');
    await iam.deleteUser('alice');
    expect(await iam.listUsers()).toEqual([]);
    expect(await code(() => iam.deletePolicy('p'))).toBeUndefined();
  });
});
