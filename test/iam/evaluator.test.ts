import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/iam/policy/evaluator.js';
import type { CompiledPolicy } from '../../src/iam/policy/compile.js';
import type { Principal, RequestContext } from '../../src/iam/types.js';
import { alice, anonymous, batchRole, bkt, bob, ctx, obj, policy, root, ACCOUNT } from './iam-fixtures.js';

function run(
  identity: CompiledPolicy[],
  action: string,
  resource: string,
  opts: { bucketPolicy?: CompiledPolicy; principal?: Principal; context?: RequestContext } = {},
): string {
  return evaluate({
    identityPolicies: identity,
    bucketPolicy: opts.bucketPolicy,
    principal: opts.principal ?? alice,
    action,
    resource,
    context: opts.context ?? ctx(),
  });
}

const allow = (action: unknown, resource: unknown, extra: object = {}) =>
  policy('identity', { Effect: 'Allow', Action: action, Resource: resource, ...extra });

describe('evaluate: actions and resources', () => {
  it('says none when no statement speaks', () => {
    expect(run([], 'oss:GetObject', obj('b', 'k'))).toBe('none');
    expect(run([allow('oss:PutObject', '*')], 'oss:GetObject', obj('b', 'k'))).toBe('none');
  });

  it('lets an explicit Deny win over any Allow, in either order and across policies', () => {
    const deny = policy('identity', { Effect: 'Deny', Action: 'oss:DeleteObject', Resource: '*' });
    const all = allow('oss:*', '*');
    expect(run([all, deny], 'oss:DeleteObject', obj('b', 'k'))).toBe('deny');
    expect(run([deny, all], 'oss:DeleteObject', obj('b', 'k'))).toBe('deny');
    expect(run([all, deny], 'oss:GetObject', obj('b', 'k'))).toBe('allow');
    const oneDoc = policy(
      'identity',
      { Effect: 'Allow', Action: 'oss:*', Resource: '*' },
      { Effect: 'Deny', Action: 'oss:Delete*', Resource: 'acs:oss:*:*:b/*' },
    );
    expect(run([oneDoc], 'oss:DeleteObject', obj('b', 'k'))).toBe('deny');
    expect(run([oneDoc], 'oss:DeleteObject', obj('c', 'k'))).toBe('allow');
  });

  it('grants a prefix with acs:oss:*:*:bkt/photos/* and nothing outside it', () => {
    const p = allow('oss:GetObject', 'acs:oss:*:*:bkt/photos/*');
    expect(run([p], 'oss:GetObject', obj('bkt', 'photos/a.jpg'))).toBe('allow');
    expect(run([p], 'oss:GetObject', obj('bkt', 'photos/2024/b.jpg'))).toBe('allow');
    expect(run([p], 'oss:GetObject', obj('bkt', 'videos/a.mp4'))).toBe('none');
    expect(run([p], 'oss:GetObject', obj('bkt', 'Photos/a.jpg'))).toBe('none'); // keys are case-sensitive
    expect(run([p], 'oss:GetObject', obj('bkt2', 'photos/a.jpg'))).toBe('none');
    expect(run([p], 'oss:GetObject', bkt('bkt'))).toBe('none');
  });

  it('matches ? as exactly one character and actions case-insensitively', () => {
    const p = allow('OSS:get?bject', 'acs:oss:*:*:b/file-?.txt');
    expect(run([p], 'oss:GetObject', obj('b', 'file-1.txt'))).toBe('allow');
    expect(run([p], 'oss:GetObject', obj('b', 'file-12.txt'))).toBe('none');
    expect(run([p], 'oss:GetObject', obj('b', 'file-.txt'))).toBe('none');
    expect(run([allow('oss:Get*', '*')], 'OSS:GETOBJECTTAGGING', obj('b', 'k'))).toBe('allow');
  });

  it('supports NotAction and NotResource', () => {
    const notAction = policy('identity', {
      Effect: 'Allow',
      NotAction: ['oss:Delete*', 'oss:Put*'],
      Resource: '*',
    });
    expect(run([notAction], 'oss:GetObject', obj('b', 'k'))).toBe('allow');
    expect(run([notAction], 'oss:DeleteObject', obj('b', 'k'))).toBe('none');
    const denyOutside = policy('identity', {
      Effect: 'Deny',
      Action: 'oss:*',
      NotResource: ['acs:oss:*:*:safe', 'acs:oss:*:*:safe/*'],
    });
    expect(run([allow('oss:*', '*'), denyOutside], 'oss:GetObject', obj('other', 'k'))).toBe('deny');
    expect(run([allow('oss:*', '*'), denyOutside], 'oss:GetObject', obj('safe', 'k'))).toBe('allow');
  });

  it('covers service-level job actions with * and acs:oss:*:*:*', () => {
    const service = `acs:oss:cn-hangzhou:${ACCOUNT}:*`;
    expect(run([allow('oss:CreateJob', '*')], 'oss:CreateJob', service)).toBe('allow');
    expect(run([allow('oss:CreateJob', 'acs:oss:*:*:*')], 'oss:CreateJob', service)).toBe('allow');
    expect(run([allow('oss:CreateJob', 'acs:oss:*:*:bkt/*')], 'oss:CreateJob', service)).toBe('none');
  });

  it('is not fooled by patterns that backtrack badly as regular expressions', () => {
    const p = allow('oss:GetObject', `acs:oss:*:*:b/${'*a'.repeat(20)}*b`);
    expect(run([p], 'oss:GetObject', obj('b', 'a'.repeat(1000)))).toBe('none');
    expect(run([p], 'oss:GetObject', obj('b', `${'a'.repeat(1000)}b`))).toBe('allow');
  });
});

describe('evaluate: bucket policy principals', () => {
  const grant = (principal: unknown) =>
    policy('bucket', {
      Effect: 'Allow',
      Action: 'oss:GetObject',
      Resource: 'acs:oss:*:*:b/*',
      Principal: principal,
    });
  const get = (bucketPolicy: CompiledPolicy, principal: Principal) =>
    run([], 'oss:GetObject', obj('b', 'k'), { bucketPolicy, principal });

  it('matches a RAM user by UserId or by ARN, and not another user', () => {
    expect(get(grant([alice.userId]), alice)).toBe('allow');
    expect(get(grant([alice.arn]), alice)).toBe('allow');
    expect(get(grant({ RAM: [`arn:${alice.arn}`] }), alice)).toBe('allow');
    expect(get(grant([alice.userId]), bob)).toBe('none');
    expect(get(grant([alice.arn]), bob)).toBe('none');
    expect(get(grant([alice.userId]), anonymous)).toBe('none');
  });

  it('matches roles by ARN or RoleId, root by account id, everyone by *', () => {
    expect(get(grant(batchRole.arn), batchRole)).toBe('allow');
    expect(get(grant([batchRole.roleId]), batchRole)).toBe('allow');
    expect(get(grant([ACCOUNT]), root)).toBe('allow');
    expect(get(grant([ACCOUNT]), alice)).toBe('none'); // an account id names the root only
    expect(get(grant('*'), anonymous)).toBe('allow');
    expect(get(grant(['*']), bob)).toBe('allow');
    expect(get(grant([]), anonymous)).toBe('allow');
  });

  it('applies a bucket-policy Deny to the named principal only, over a RAM Allow', () => {
    const deny = policy('bucket', {
      Effect: 'Deny',
      Action: 'oss:*',
      Resource: 'acs:oss:*:*:b/*',
      Principal: [bob.userId],
    });
    const all = allow('oss:*', '*');
    expect(run([all], 'oss:GetObject', obj('b', 'k'), { bucketPolicy: deny, principal: bob })).toBe('deny');
    expect(run([all], 'oss:GetObject', obj('b', 'k'), { bucketPolicy: deny, principal: alice })).toBe(
      'allow',
    );
  });
});

describe('evaluate: conditions', () => {
  const cond = (condition: object) => [allow('oss:*', '*', { Condition: condition })];
  const with_ = (condition: object, context: RequestContext) =>
    run(cond(condition), 'oss:ListObjects', bkt('b'), { context });

  it('StringEquals / StringNotEquals / IgnoreCase / Like on oss:Prefix, values OR', () => {
    const keys = (prefix: string) => ctx({ keys: { 'oss:prefix': prefix } });
    expect(with_({ StringEquals: { 'oss:Prefix': ['a/', 'b/'] } }, keys('b/'))).toBe('allow');
    expect(with_({ StringEquals: { 'oss:Prefix': ['a/', 'b/'] } }, keys('c/'))).toBe('none');
    expect(with_({ StringEquals: { 'oss:Prefix': 'a/' } }, keys('A/'))).toBe('none');
    expect(with_({ StringEqualsIgnoreCase: { 'oss:Prefix': 'a/' } }, keys('A/'))).toBe('allow');
    expect(with_({ StringNotEqualsIgnoreCase: { 'oss:Prefix': 'a/' } }, keys('A/'))).toBe('none');
    expect(with_({ StringNotEquals: { 'oss:Prefix': ['a/', 'b/'] } }, keys('c/'))).toBe('allow');
    expect(with_({ StringNotEquals: { 'oss:Prefix': ['a/', 'b/'] } }, keys('a/'))).toBe('none');
    expect(with_({ StringLike: { 'oss:Prefix': 'photos/*' } }, keys('photos/2024/'))).toBe('allow');
    expect(with_({ StringLike: { 'oss:Prefix': 'photos/*' } }, keys('docs/'))).toBe('none');
    expect(with_({ StringNotLike: { 'oss:Prefix': 'private/*' } }, keys('private/x'))).toBe('none');
    expect(with_({ StringNotLike: { 'oss:Prefix': 'private/*' } }, keys('public/x'))).toBe('allow');
  });

  it('treats a missing key as false for positive operators and true for negated ones', () => {
    const none = ctx();
    expect(with_({ StringEquals: { 'oss:Prefix': '' } }, none)).toBe('none');
    expect(with_({ StringLike: { 'oss:Delimiter': '*' } }, none)).toBe('none');
    expect(with_({ NumericLessThan: { 'oss:max-keys': '10' } }, none)).toBe('none');
    expect(with_({ IpAddress: { 'acs:SourceIp': '0.0.0.0/0' } }, ctx({ sourceIp: undefined }))).toBe('none');
    expect(with_({ StringNotEquals: { 'oss:Delimiter': '/' } }, none)).toBe('allow');
    expect(with_({ NotIpAddress: { 'acs:SourceIp': '10.0.0.0/8' } }, ctx({ sourceIp: undefined }))).toBe(
      'allow',
    );
    expect(with_({ NumericNotEquals: { 'oss:max-keys': '10' } }, none)).toBe('allow');
  });

  it('ANDs keys and operators', () => {
    const both = {
      StringEquals: { 'oss:Prefix': 'a/', 'oss:Delimiter': '/' },
      Bool: { 'acs:SecureTransport': 'true' },
    };
    const full = ctx({ secureTransport: true, keys: { 'oss:prefix': 'a/', 'oss:delimiter': '/' } });
    expect(with_(both, full)).toBe('allow');
    expect(with_(both, { ...full, keys: { 'oss:prefix': 'a/' } })).toBe('none');
    expect(with_(both, { ...full, secureTransport: false })).toBe('none');
  });

  it('Numeric operators', () => {
    const mk = (n: string) => ctx({ keys: { 'oss:max-keys': n } });
    expect(with_({ NumericEquals: { 'oss:max-keys': 100 } }, mk('100'))).toBe('allow');
    expect(with_({ NumericLessThan: { 'oss:max-keys': '100' } }, mk('99'))).toBe('allow');
    expect(with_({ NumericLessThan: { 'oss:max-keys': '100' } }, mk('100'))).toBe('none');
    expect(with_({ NumericLessThanEquals: { 'oss:max-keys': '100' } }, mk('100'))).toBe('allow');
    expect(with_({ NumericGreaterThan: { 'oss:max-keys': '100' } }, mk('100'))).toBe('none');
    expect(with_({ NumericGreaterThanEquals: { 'oss:max-keys': '100' } }, mk('100.0'))).toBe('allow');
    expect(with_({ NumericNotEquals: { 'oss:max-keys': '100' } }, mk('5'))).toBe('allow');
    expect(with_({ NumericEquals: { 'oss:max-keys': '100' } }, mk('lots'))).toBe('none');
  });

  it('Date operators on acs:CurrentTime (ISO-8601)', () => {
    const at = (iso: string) => ctx({ currentTime: Date.parse(iso) });
    const before = { DateLessThan: { 'acs:CurrentTime': '2026-12-31T23:59:59Z' } };
    expect(with_(before, at('2026-06-01T00:00:00Z'))).toBe('allow');
    expect(with_(before, at('2027-01-01T00:00:00Z'))).toBe('none');
    expect(
      with_(
        { DateGreaterThanEquals: { 'acs:CurrentTime': '2026-06-01T00:00:00+08:00' } },
        at('2026-05-31T16:00:00Z'),
      ),
    ).toBe('allow');
    expect(with_({ DateGreaterThan: { 'acs:CurrentTime': '2026-06-01' } }, at('2026-05-31T23:00:00Z'))).toBe(
      'none',
    );
    expect(
      with_({ DateEquals: { 'acs:CurrentTime': '2026-06-01T12:00:00Z' } }, at('2026-06-01T12:00:00Z')),
    ).toBe('allow');
    expect(
      with_({ DateNotEquals: { 'acs:CurrentTime': '2026-06-01T12:00:00Z' } }, at('2026-06-01T12:00:00Z')),
    ).toBe('none');
    expect(
      with_(
        { DateLessThanEquals: { 'acs:CurrentTime': '2026-06-01T12:00:00Z' } },
        at('2026-06-01T12:00:00Z'),
      ),
    ).toBe('allow');
  });

  it('Bool on acs:SecureTransport: a Deny for plain HTTP', () => {
    const p = [
      allow('oss:*', '*'),
      policy('identity', {
        Effect: 'Deny',
        Action: 'oss:*',
        Resource: '*',
        Condition: { Bool: { 'acs:SecureTransport': 'false' } },
      }),
    ];
    expect(run(p, 'oss:GetObject', obj('b', 'k'), { context: ctx({ secureTransport: false }) })).toBe('deny');
    expect(run(p, 'oss:GetObject', obj('b', 'k'), { context: ctx({ secureTransport: true }) })).toBe('allow');
  });

  it('IpAddress / NotIpAddress with IPv4 and IPv6 CIDR blocks', () => {
    const ip = (sourceIp: string) => ctx({ sourceIp });
    const v4 = { IpAddress: { 'acs:SourceIp': ['192.168.0.0/16', '10.1.2.3'] } };
    expect(with_(v4, ip('192.168.7.9'))).toBe('allow');
    expect(with_(v4, ip('10.1.2.3'))).toBe('allow');
    expect(with_(v4, ip('10.1.2.4'))).toBe('none');
    expect(with_(v4, ip('::ffff:192.168.1.1'))).toBe('allow'); // IPv4-mapped, as Node reports dual-stack peers
    expect(with_(v4, ip('not-an-ip'))).toBe('none');
    const v6 = { IpAddress: { 'acs:SourceIp': '2001:db8::/32' } };
    expect(with_(v6, ip('2001:db8:1::5'))).toBe('allow');
    expect(with_(v6, ip('2001:db9::1'))).toBe('none');
    expect(with_(v6, ip('192.168.1.1'))).toBe('none');
    expect(with_({ NotIpAddress: { 'acs:SourceIp': '10.0.0.0/8' } }, ip('11.0.0.1'))).toBe('allow');
    expect(with_({ NotIpAddress: { 'acs:SourceIp': '10.0.0.0/8' } }, ip('10.9.9.9'))).toBe('none');
  });

  it('reads acs:AccessId, acs:UserAgent and condition key names case-insensitively', () => {
    expect(with_({ StringEquals: { 'ACS:AccessId': alice.accessKeyId } }, ctx())).toBe('allow');
    expect(
      with_(
        { StringLike: { 'acs:UserAgent': 'aliyun-sdk-js/*' } },
        ctx({ userAgent: 'aliyun-sdk-js/6.23.0' }),
      ),
    ).toBe('allow');
    expect(with_({ StringEquals: { 'OSS:PREFIX': 'x' } }, ctx({ keys: { 'oss:prefix': 'x' } }))).toBe(
      'allow',
    );
  });
});
