import { describe, expect, it } from 'vitest';
import { isOssError } from '../../src/protocol/oss-error.js';
import {
  parseQuery,
  parseRequestTarget,
  percentDecodeBytes,
  validateBucketName,
} from '../../src/protocol/request-target.js';

const baseDomains = ['localhost', 'oss-cn-hangzhou.aliyuncs.com'] as const;
const parse = (rawUrl: string, host: string | undefined = 'localhost:8080') =>
  parseRequestTarget({ rawUrl, host, baseDomains });

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isOssError(e) ? e.code : 'not-oss';
  }
  return undefined;
}

describe('parseRequestTarget: path style', () => {
  it('service level `/`', () => {
    const t = parse('/');
    expect(t.bucket).toBeUndefined();
    expect(t.key).toBeUndefined();
    expect(t.virtualHosted).toBe(false);
  });

  it('service-level batch sub-resource, `k` and `k=` both empty', () => {
    const t = parse('/?batchJob&batchJobId=abc%3D');
    expect(t.bucket).toBeUndefined();
    expect(t.query.get('batchJob')).toBe('');
    expect(t.query.get('batchJobId')).toBe('abc=');
    expect(parse('/?batchJob=').query.get('batchJob')).toBe('');
  });

  it('bucket level with and without the trailing slash', () => {
    expect(parse('/bkt1/')).toMatchObject({ bucket: 'bkt1', virtualHosted: false });
    expect(parse('/bkt1/').key).toBeUndefined();
    expect(parse('/bkt1').bucket).toBe('bkt1');
    expect(parse('/bkt1').key).toBeUndefined();
  });

  it('object keys are decoded exactly: `+` stays, %20 is a space, %2520 is a literal %20', () => {
    expect(parse('/bkt1/dir/a%20b%2Bc.txt').key).toBe('dir/a b+c.txt');
    expect(parse('/bkt1/a+b').key).toBe('a+b');
    expect(parse('/bkt1/x%2520y').key).toBe('x%20y');
    expect(parse('/bkt1/a b').key).toBe('a b');
  });

  it('keeps `..`, `.` and double slashes', () => {
    expect(parse('/bkt1/../x').key).toBe('../x');
    expect(parse('/bkt1/..').key).toBe('..');
    expect(parse('/bkt1/a//b').key).toBe('a//b');
    expect(parse('/bkt1//b').key).toBe('/b');
    expect(parse('/a//b')).toMatchObject({ bucket: 'a', key: '/b' });
  });

  it('decodes unicode keys, encoded or raw', () => {
    expect(parse('/bkt1/%E4%B8%AD%E6%96%87/%F0%9F%98%80').key).toBe('中文/😀');
    expect(parse('/bkt1/中文').key).toBe('中文');
  });

  it('rejects invalid UTF-8 and over-long keys with InvalidObjectName', () => {
    expect(codeOf(() => parse('/bkt1/%FF%FE'))).toBe('InvalidObjectName');
    expect(codeOf(() => parse(`/bkt1/${'a'.repeat(1024)}`))).toBe('InvalidObjectName');
    expect(parse(`/bkt1/${'a'.repeat(1023)}`).key).toHaveLength(1023);
    // 342 three-byte characters = 1026 bytes
    expect(codeOf(() => parse(`/bkt1/${'%E4%B8%AD'.repeat(342)}`))).toBe('InvalidObjectName');
  });

  it('rejects malformed percent-encoding with InvalidArgument', () => {
    expect(codeOf(() => parse('/bkt1/a%2'))).toBe('InvalidArgument');
    expect(codeOf(() => parse('/bkt1/a%zz'))).toBe('InvalidArgument');
    expect(codeOf(() => parse('/bkt1/a?x=%G1'))).toBe('InvalidArgument');
  });

  it('query: decoded, first value wins, pairs keep order and duplicates, `+` is a space', () => {
    const t = parse('/bkt1/?prefix=dir%2F&a=1&a=2&q=x+y&%2Bk=v&tagging');
    expect(t.query.get('prefix')).toBe('dir/');
    expect(t.query.get('a')).toBe('1');
    expect(t.query.get('q')).toBe('x y');
    expect(t.query.get('+k')).toBe('v');
    expect(t.query.get('tagging')).toBe('');
    expect(t.queryPairs).toEqual([
      ['prefix', 'dir/'],
      ['a', '1'],
      ['a', '2'],
      ['q', 'x y'],
      ['+k', 'v'],
      ['tagging', ''],
    ]);
    expect(t.rawPath).toBe('/bkt1/');
  });
});

describe('parseRequestTarget: virtual-hosted and absolute form', () => {
  it('takes the bucket from `<bucket>.<baseDomain>[:port]`, case-insensitively', () => {
    const t = parse('/dir/a%20b.txt', 'Bkt1.LocalHost:9000');
    expect(t).toMatchObject({ bucket: 'bkt1', key: 'dir/a b.txt', virtualHosted: true });
    const b = parse('/?acl', 'bkt1.oss-cn-hangzhou.aliyuncs.com');
    expect(b.bucket).toBe('bkt1');
    expect(b.key).toBeUndefined();
  });

  it('a bare base domain or an unknown host is path style', () => {
    expect(parse('/bkt1/k', 'oss-cn-hangzhou.aliyuncs.com')).toMatchObject({
      bucket: 'bkt1',
      key: 'k',
      virtualHosted: false,
    });
    expect(parse('/bkt1/k', '127.0.0.1:3000')).toMatchObject({
      bucket: 'bkt1',
      key: 'k',
      virtualHosted: false,
    });
    expect(parse('/bkt1/k', undefined)).toMatchObject({ bucket: 'bkt1', key: 'k' });
  });

  it('virtual host keeps a leading slash of the key', () => {
    expect(parse('//x', 'bkt1.localhost').key).toBe('/x');
  });

  it('accepts absolute-form request lines; their authority wins over Host', () => {
    const t = parse('http://bkt2.localhost:9000/a%2Bb?versionId=v1', 'proxy.example');
    expect(t).toMatchObject({ bucket: 'bkt2', key: 'a+b', virtualHosted: true, rawPath: '/a%2Bb' });
    expect(t.query.get('versionId')).toBe('v1');
    expect(parse('http://localhost:9000/bkt1/k', undefined)).toMatchObject({ bucket: 'bkt1', key: 'k' });
    expect(parse('http://localhost:9000', undefined).bucket).toBeUndefined();
  });
});

describe('validateBucketName', () => {
  it.each(['abc', 'my-bucket-1', 'a'.repeat(63), '0-0'])('accepts %s', (n) => {
    expect(() => validateBucketName(n)).not.toThrow();
  });
  it.each(['ab', 'a'.repeat(64), '-abc', 'abc-', 'ABC', 'a_b', 'a.b', ''])('rejects %s', (n) => {
    expect(codeOf(() => validateBucketName(n))).toBe('InvalidBucketName');
  });
});

describe('query decoding fast paths (issue 10)', () => {
  // The byte-exact decoder is the reference: the fast paths (literal ASCII, decodeURIComponent) must give
  // the same string for every input, including malformed escapes and invalid UTF-8.
  const reference = (raw: string): string => percentDecodeBytes(raw, true).toString('utf8');
  const alphabet = [
    '%',
    '2',
    '0',
    'B',
    'c',
    '3',
    'A',
    '9',
    'E',
    'D',
    'F',
    '8',
    '+',
    'a',
    'é',
    'Ã',
    '阿',
    '/',
    '=',
    '~',
  ];

  it('decode every query component exactly as the byte-exact decoder does', () => {
    let seed = 12345;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let n = 0; n < 20_000; n++) {
      let raw = '';
      const len = next() % 12;
      for (let i = 0; i < len; i++) raw += alphabet[next() % alphabet.length];
      let expected: string | undefined;
      try {
        expected = reference(raw);
      } catch {
        expected = undefined; // malformed escape: both must refuse
      }
      const parsed = (): string | undefined => parseQuery(`k=${raw.replace(/[&#]/g, '')}`).query.get('k');
      if (expected === undefined) expect(codeOf(parsed), raw).toBe('InvalidArgument');
      else expect(parsed(), raw).toBe(expected);
    }
  });

  it('keeps plain ASCII bucket names and query parts as sent', () => {
    const t = parse(
      '/my-bucket/a.txt?x-oss-credential=AK%2F20261129%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&q=a+b',
    );
    expect(t.bucket).toBe('my-bucket');
    expect(t.query.get('x-oss-credential')).toBe('AK/20261129/cn-hangzhou/oss/aliyun_v4_request');
    expect(t.query.get('q')).toBe('a b');
  });
});
