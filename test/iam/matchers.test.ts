import { describe, expect, it } from 'vitest';
import { actionForApi } from '../../src/iam/actions.js';
import { cidrContains, parseCidr, parseIp } from '../../src/iam/policy/ip.js';
import { compileMatcher, globMatch } from '../../src/iam/policy/wildcard.js';

describe('wildcards', () => {
  it('globMatch: * is any run including empty, ? exactly one character', () => {
    expect(globMatch('a*c', 'ac')).toBe(true);
    expect(globMatch('a*c', 'abbbc')).toBe(true);
    expect(globMatch('a*c', 'abbbd')).toBe(false);
    expect(globMatch('a?c', 'abc')).toBe(true);
    expect(globMatch('a?c', 'ac')).toBe(false);
    expect(globMatch('*', '')).toBe(true);
    expect(globMatch('a**', 'a')).toBe(true);
    expect(globMatch('*/photos/*.jpg', 'x/photos/y/z.jpg')).toBe(true);
    expect(globMatch('*/photos/*.jpg', 'x/photos/y/z.png')).toBe(false);
  });

  it('compileMatcher mixes exact names, prefixes and globs', () => {
    const m = compileMatcher(
      ['acs:oss:*:*:b', 'acs:oss:*:*:b/logs/*', 'acs:oss:*:*:b/x?.txt', 'exact'],
      false,
    );
    expect(m('exact')).toBe(true);
    expect(m('acs:oss:cn-hangzhou:1:b')).toBe(true);
    expect(m('acs:oss:cn-hangzhou:1:b/logs/2024/1.log')).toBe(true);
    expect(m('acs:oss:cn-hangzhou:1:b/x1.txt')).toBe(true);
    expect(m('acs:oss:cn-hangzhou:1:b/y1.txt')).toBe(false);
    expect(m('acs:oss:cn-hangzhou:1:bb')).toBe(false);
    const prefixOnly = compileMatcher(['ab*'], false);
    expect(prefixOnly('abc')).toBe(true);
    expect(prefixOnly('Abc')).toBe(false);
    expect(compileMatcher(['OSS:Get*'], true)('oss:getobject')).toBe(true);
    expect(compileMatcher([], false)('x')).toBe(false);
  });
});

describe('IP addresses and CIDR blocks', () => {
  const inside = (cidr: string, ip: string): boolean => cidrContains(parseCidr(cidr)!, parseIp(ip)!);

  it('parses IPv4, IPv6, compressed and IPv4-mapped forms', () => {
    expect(parseIp('1.2.3.4')).toEqual({ v6: false, value: 0x01020304n });
    expect(parseIp('::1')).toEqual({ v6: true, value: 1n });
    expect(parseIp('::ffff:1.2.3.4')).toEqual({ v6: false, value: 0x01020304n });
    expect(parseIp('2001:db8::1')?.value).toBe(0x20010db8000000000000000000000001n);
    expect(parseIp('fe80::1%eth0')?.v6).toBe(true);
    expect(parseIp('1.2.3')).toBeUndefined();
    expect(parseIp('hello')).toBeUndefined();
  });

  it('matches CIDR blocks of either family', () => {
    expect(inside('10.0.0.0/8', '10.255.0.1')).toBe(true);
    expect(inside('10.0.0.0/8', '11.0.0.1')).toBe(false);
    expect(inside('0.0.0.0/0', '8.8.8.8')).toBe(true);
    expect(inside('192.168.1.7', '192.168.1.7')).toBe(true);
    expect(inside('192.168.1.7', '192.168.1.8')).toBe(false);
    expect(inside('2001:db8::/32', '2001:db8:ffff::1')).toBe(true);
    expect(inside('2001:db8::/32', '2001:db9::1')).toBe(false);
    expect(inside('::/0', '10.0.0.1')).toBe(false); // families never mix
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(parseCidr('10.0.0.0/x')).toBeUndefined();
    expect(parseCidr('2001:db8::/129')).toBeUndefined();
  });
});

describe('API → action mapping', () => {
  it('maps the APIs that are not their own action', () => {
    expect(actionForApi('HeadObject')).toBe('oss:GetObject');
    expect(actionForApi('GetObjectMeta')).toBe('oss:GetObject');
    expect(actionForApi('AppendObject')).toBe('oss:PutObject');
    expect(actionForApi('UploadPart')).toBe('oss:PutObject');
    expect(actionForApi('ListObjectsV2')).toBe('oss:ListObjects');
    expect(actionForApi('PutObjectACL')).toBe('oss:PutObjectAcl');
    expect(actionForApi('DeleteMultipleObjects')).toBe('oss:DeleteObject');
    expect(actionForApi('PutObjectTagging')).toBe('oss:PutObjectTagging');
    expect(actionForApi('CreateJob')).toBe('oss:CreateJob');
  });
});
