import { describe, expect, it } from 'vitest';
import { canonicalResourceV1, computeSignatureV1, stringToSignV1 } from '../../src/protocol/signature-v1.js';
import {
  canonicalQueryV4,
  canonicalRequestV4,
  computeSignatureV4,
  scopeV4,
  signingKeyV4,
  stringToSignV4,
} from '../../src/protocol/signature-v4.js';
import { parseRequestTarget } from '../../src/protocol/request-target.js';
import { BASE_DOMAINS, auth, catchOss, deps } from './helpers.js';

// Spec §9.4–9.7 vectors (AK `ak`, SK `sk`), from the Alibaba v2 SDK signer tests.
const V1_DATE = 'Wed, 28 Dec 2022 10:27:41 GMT';
const V1_NOW = Date.parse(V1_DATE);
const V1_HEADERS = {
  'Content-MD5': 'eB5eJF1ptWaXm4bijSPyxw==',
  'Content-Type': 'text/html',
  'x-oss-meta-author': 'alice',
  'x-oss-meta-magic': 'abracadabra',
  'x-oss-date': V1_DATE,
};

describe('spec §9.4 V1 header vectors', () => {
  it('vector 1: PUT /examplebucket/nelson — exact StringToSign and signature', () => {
    const headers = Object.fromEntries(Object.entries(V1_HEADERS).map(([k, v]) => [k.toLowerCase(), v]));
    const sts = stringToSignV1({
      method: 'PUT',
      bucket: 'examplebucket',
      key: 'nelson',
      subresources: {},
      headers,
      date: V1_DATE,
    });
    expect(sts).toBe(
      'PUT\neB5eJF1ptWaXm4bijSPyxw==\ntext/html\nWed, 28 Dec 2022 10:27:41 GMT\nx-oss-date:Wed, 28 Dec 2022 10:27:41 GMT\nx-oss-meta-author:alice\nx-oss-meta-magic:abracadabra\n/examplebucket/nelson',
    );
    expect(computeSignatureV1('sk', sts)).toBe('kSHKmLxlyEAKtZPkJhG9bZb5k7M=');
    const p = auth(
      {
        method: 'PUT',
        url: '/examplebucket/nelson',
        headers: { ...V1_HEADERS, Authorization: 'OSS ak:kSHKmLxlyEAKtZPkJhG9bZb5k7M=' },
      },
      deps(V1_NOW),
    );
    expect(p).toMatchObject({ kind: 'root', accessKeyId: 'ak' });
  });

  it('vector 2: same with ?acl (virtual-hosted)', () => {
    const p = auth(
      {
        method: 'PUT',
        url: '/nelson?acl',
        host: 'examplebucket.oss-cn-hangzhou.aliyuncs.com',
        headers: { ...V1_HEADERS, Authorization: 'OSS ak:/afkugFbmWDQ967j1vr6zygBLQk=' },
      },
      deps(V1_NOW),
    );
    expect(p.kind).toBe('root');
  });

  it('vector 3: unknown query parameters are not signed', () => {
    expect(canonicalResourceV1('examplebucket', undefined, { resourceGroup: '' })).toBe(
      '/examplebucket/?resourceGroup',
    );
    const p = auth(
      {
        method: 'GET',
        url: '/?resourceGroup&non-resousce=null',
        host: 'examplebucket.oss-cn-hangzhou.aliyuncs.com',
        headers: { 'x-oss-date': V1_DATE, Authorization: 'OSS ak:vkQmfuUDyi1uDi3bKt67oemssIs=' },
      },
      deps(V1_NOW),
    );
    expect(p.kind).toBe('root');
  });

  it('vector 4: signed sub-resources are sorted (path style)', () => {
    const p = auth(
      {
        method: 'GET',
        url: '/examplebucket/?resourceGroup&acl',
        headers: { 'x-oss-date': V1_DATE, Authorization: 'OSS ak:x3E5TgOvl/i7PN618s5mEvpJDYk=' },
      },
      deps(V1_NOW),
    );
    expect(p.kind).toBe('root');
    const err = catchOss(() =>
      auth(
        {
          method: 'GET',
          url: '/examplebucket/?resourceGroup&acl&versionId=x',
          headers: { 'x-oss-date': V1_DATE, Authorization: 'OSS ak:x3E5TgOvl/i7PN618s5mEvpJDYk=' },
        },
        deps(V1_NOW),
      ),
    );
    expect(err.code).toBe('SignatureDoesNotMatch');
    expect(err.details['StringToSign']).toBe(
      `GET\n\n\n${V1_DATE}\nx-oss-date:${V1_DATE}\n/examplebucket/?acl&resourceGroup&versionId=x`,
    );
  });
});

describe('spec §9.5 V1 presign vectors', () => {
  it('GET /bucket/key?versionId with Expires', () => {
    const url =
      '/key?versionId=versionId&OSSAccessKeyId=ak&Expires=1699807420&Signature=dcLTea%2BYh9ApirQ8o8dOPqtvJXQ%3D';
    const p = auth(
      { method: 'GET', url, host: 'bucket.oss-cn-hangzhou.aliyuncs.com', headers: {} },
      deps(1699807420_000),
    );
    expect(p.kind).toBe('root');
    const sts = stringToSignV1({
      method: 'GET',
      bucket: 'bucket',
      key: 'key',
      subresources: { versionId: 'versionId' },
      headers: {},
      date: '1699807420',
    });
    expect(sts).toBe('GET\n\n\n1699807420\n/bucket/key?versionId=versionId');
  });

  it('with security-token and key `key+123`', () => {
    const sig = encodeURIComponent('jzKYRrM5y6Br0dRFPaTGOsbrDhY=');
    const url = `/bucket/key%2B123?versionId=versionId&security-token=token&OSSAccessKeyId=ak&Expires=1699808204&Signature=${sig}`;
    expect(auth({ method: 'GET', url, headers: {} }, deps(1699808000_000)).kind).toBe('root');
  });
});

const V4_KEY = '1234+-/123/1.txt';
// url.Values.Encode() of the vector's parameters, as a Go client sends them.
const V4_RAW_QUERY = '%2Bparam1=value3&%2Bparam2=&param1=value1&param2=&%7Cparam1=value4&%7Cparam2=';

describe('spec §9.6 V4 header vector', () => {
  it('canonical request and signature', () => {
    const target = parseRequestTarget({
      rawUrl: `/bucket/1234%2B-/123/1.txt?${V4_RAW_QUERY}`,
      host: 'localhost',
      baseDomains: BASE_DOMAINS,
    });
    expect(target.key).toBe(V4_KEY);
    const headers = {
      'x-oss-head1': 'value',
      abc: 'value',
      zabc: 'value',
      xyz: 'value',
      'content-type': 'text/plain',
      'x-oss-content-sha256': 'UNSIGNED-PAYLOAD',
      'x-oss-date': '20231216T162057Z',
    };
    const canonical = canonicalRequestV4({
      method: 'PUT',
      bucket: 'bucket',
      key: target.key,
      canonicalQuery: canonicalQueryV4(target.queryPairs),
      headers,
      additionalHeaders: [],
      payloadHash: 'UNSIGNED-PAYLOAD',
    });
    expect(canonical).toBe(
      'PUT\n/bucket/1234%2B-/123/1.txt\n%2Bparam1=value3&%2Bparam2&%7Cparam1=value4&%7Cparam2&param1=value1&param2\n' +
        'content-type:text/plain\nx-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:20231216T162057Z\nx-oss-head1:value\n\n\nUNSIGNED-PAYLOAD',
    );
    const sts = stringToSignV4('20231216T162057Z', scopeV4('20231216', 'cn-hangzhou'), canonical);
    expect(sts).toBe(
      'OSS4-HMAC-SHA256\n20231216T162057Z\n20231216/cn-hangzhou/oss/aliyun_v4_request\nf4613657f1b108998e8dbd10a1aa5da621dc2c6e02c9ddec0f163664848704c4',
    );
    expect(computeSignatureV4(signingKeyV4('sk', '20231216', 'cn-hangzhou'), sts)).toBe(
      'e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe',
    );
  });

  const headers = (authz: string, date: string, extra: Record<string, string> = {}) => ({
    'x-oss-head1': 'value',
    abc: 'value',
    ZAbc: 'value',
    XYZ: 'value',
    'content-type': 'text/plain',
    'x-oss-content-sha256': 'UNSIGNED-PAYLOAD',
    'x-oss-date': date,
    Authorization: authz,
    ...extra,
  });

  it('authenticate accepts it (path style and virtual host)', () => {
    const authz =
      'OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,Signature=e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe';
    const d = deps(1702743657_000);
    expect(
      auth(
        {
          method: 'PUT',
          url: `/bucket/1234%2B-/123/1.txt?${V4_RAW_QUERY}`,
          headers: headers(authz, '20231216T162057Z'),
        },
        d,
      ).kind,
    ).toBe('root');
    expect(
      auth(
        {
          method: 'PUT',
          url: `/1234%2B-/123/1.txt?${V4_RAW_QUERY}`,
          host: 'bucket.oss-cn-hangzhou.aliyuncs.com',
          headers: headers(authz, '20231216T162057Z'),
        },
        d,
      ).kind,
    ).toBe('root');
    // docs-style `, ` separators
    expect(
      auth(
        {
          method: 'PUT',
          url: `/bucket/1234%2B-/123/1.txt?${V4_RAW_QUERY}`,
          headers: headers(authz.replace(',', ', '), '20231216T162057Z'),
        },
        d,
      ).kind,
    ).toBe('root');
  });

  it('token vector (x-oss-security-token is a default-signed header)', () => {
    const authz =
      'OSS4-HMAC-SHA256 Credential=ak/20231217/cn-hangzhou/oss/aliyun_v4_request,Signature=b94a3f999cf85bcdc00d332fbd3734ba03e48382c36fa4d5af5df817395bd9ea';
    const h = headers(authz, '20231217T034736Z', { 'x-oss-security-token': 'token' });
    expect(
      auth(
        { method: 'PUT', url: `/bucket/1234%2B-/123/1.txt?${V4_RAW_QUERY}`, headers: h },
        deps(1702784856_000),
      ).kind,
    ).toBe('root');
  });
});

describe('spec §9.7 V4 presign vector', () => {
  const url =
    `/bucket/1234%2B-/123/1.txt?${V4_RAW_QUERY}&x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-date=20231217T025437Z` +
    '&x-oss-expires=599&x-oss-credential=ak%2F20231217%2Fcn-hangzhou%2Foss%2Faliyun_v4_request' +
    '&x-oss-signature=a39966c61718be0d5b14e668088b3fa07601033f6518ac7b523100014269c0fe';
  const headers = {
    'x-oss-head1': 'value',
    abc: 'value',
    ZAbc: 'value',
    XYZ: 'value',
    'content-type': 'application/octet-stream',
  };

  it('is accepted within its lifetime', () => {
    expect(auth({ method: 'PUT', url, headers }, deps(1702781677_000 + 599_000)).kind).toBe('root');
  });

  it('is refused one second after it expires with AccessDenied "Request has expired."', () => {
    const err = catchOss(() => auth({ method: 'PUT', url, headers }, deps(1702781677_000 + 600_000)));
    expect(err.code).toBe('AccessDenied');
    expect(err.status).toBe(403);
    expect(err.message).toBe('Request has expired.');
  });

  it('a changed header breaks it', () => {
    const err = catchOss(() =>
      auth(
        { method: 'PUT', url, headers: { ...headers, 'content-type': 'text/plain' } },
        deps(1702781677_000),
      ),
    );
    expect(err.code).toBe('SignatureDoesNotMatch');
  });
});
