import { describe, expect, it } from 'vitest';
import { computeSignatureV1, stringToSignV1 } from '../../src/protocol/signature-v1.js';
import { auth, catchOss, deps } from './helpers.js';

const EXPIRES = 1699807420;
const vectorUrl = (extra = '') =>
  `/key?versionId=versionId&OSSAccessKeyId=ak&Expires=${EXPIRES}&Signature=dcLTea%2BYh9ApirQ8o8dOPqtvJXQ%3D${extra}`;
const host = 'bucket.oss-cn-hangzhou.aliyuncs.com';

describe('V1 presigned URLs', () => {
  it('valid up to and including the Expires second, AccessDenied after', () => {
    expect(auth({ method: 'GET', url: vectorUrl(), host, headers: {} }, deps(EXPIRES * 1000)).kind).toBe(
      'root',
    );
    const err = catchOss(() =>
      auth({ method: 'GET', url: vectorUrl(), host, headers: {} }, deps(EXPIRES * 1000 + 1000)),
    );
    expect(err).toMatchObject({ code: 'AccessDenied', status: 403, message: 'Request has expired.' });
  });

  it('no clock-skew check applies to presigned URLs (signed long ago, still valid)', () => {
    const sts = stringToSignV1({
      method: 'GET',
      bucket: 'bucket',
      key: 'key',
      subresources: {},
      headers: {},
      date: String(EXPIRES),
    });
    const sig = encodeURIComponent(computeSignatureV1('sk', sts));
    const url = `/key?OSSAccessKeyId=ak&Expires=${EXPIRES}&Signature=${sig}`;
    expect(auth({ method: 'GET', url, host, headers: {} }, deps(EXPIRES * 1000 - 86_400_000)).kind).toBe(
      'root',
    );
  });

  it('unsigned extra parameters are ignored, signed ones are not', () => {
    expect(
      auth({ method: 'GET', url: vectorUrl('&foo=bar'), host, headers: {} }, deps(EXPIRES * 1000)).kind,
    ).toBe('root');
    expect(
      catchOss(() => auth({ method: 'GET', url: vectorUrl('&acl'), host, headers: {} }, deps(EXPIRES * 1000)))
        .code,
    ).toBe('SignatureDoesNotMatch');
  });

  it('a different method or key breaks it', () => {
    expect(
      catchOss(() => auth({ method: 'PUT', url: vectorUrl(), host, headers: {} }, deps(EXPIRES * 1000))).code,
    ).toBe('SignatureDoesNotMatch');
    expect(
      catchOss(() =>
        auth(
          { method: 'GET', url: vectorUrl().replace('/key', '/key2'), host, headers: {} },
          deps(EXPIRES * 1000),
        ),
      ).code,
    ).toBe('SignatureDoesNotMatch');
  });

  it('missing parts and unknown keys', () => {
    expect(
      catchOss(() =>
        auth({ method: 'GET', url: '/key?OSSAccessKeyId=ak&Signature=x', host, headers: {} }, deps(0)),
      ).code,
    ).toBe('AccessDenied');
    expect(
      catchOss(() =>
        auth(
          {
            method: 'GET',
            url: vectorUrl().replace('OSSAccessKeyId=ak', 'OSSAccessKeyId=zz'),
            host,
            headers: {},
          },
          deps(0),
        ),
      ).code,
    ).toBe('InvalidAccessKeyId');
    expect(
      catchOss(() =>
        auth(
          {
            method: 'GET',
            url: vectorUrl().replace(`Expires=${EXPIRES}`, 'Expires=soon'),
            host,
            headers: {},
          },
          deps(0),
        ),
      ).code,
    ).toBe('AccessDenied');
  });
});

describe('V4 presigned URLs', () => {
  const base =
    '/bucket/k?x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-date=20231217T025437Z&x-oss-credential=ak%2F20231217%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-signature=00';
  it('x-oss-expires must be 1..604800', () => {
    for (const e of ['0', '604801', 'abc', '-1']) {
      expect(
        catchOss(() =>
          auth({ method: 'GET', url: `${base}&x-oss-expires=${e}`, headers: {} }, deps(1702781677_000)),
        ).code,
      ).toBe('InvalidArgument');
    }
  });
  it('a wrong signature version is refused', () => {
    const url = `${base.replace('OSS4-HMAC-SHA256', 'OSS2')}&x-oss-expires=60`;
    expect(catchOss(() => auth({ method: 'GET', url, headers: {} }, deps(1702781677_000))).code).toBe(
      'InvalidArgument',
    );
  });
  it('region in the credential must be ours', () => {
    const url = `${base.replace('cn-hangzhou', 'cn-beijing')}&x-oss-expires=60`;
    expect(catchOss(() => auth({ method: 'GET', url, headers: {} }, deps(1702781677_000))).code).toBe(
      'InvalidArgument',
    );
  });
  it('bad signature → SignatureDoesNotMatch', () => {
    expect(
      catchOss(() =>
        auth({ method: 'GET', url: `${base}&x-oss-expires=60`, headers: {} }, deps(1702781677_000)),
      ).code,
    ).toBe('SignatureDoesNotMatch');
  });
});
