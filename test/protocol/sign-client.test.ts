import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { isoBasic, rfc1123, signV1, signV4, type ClientRequest } from '../../src/protocol/sign-client.js';
import { canonicalResourceV1 } from '../../src/protocol/signature-v1.js';

/** ali-oss's own signer (real-clients §8): our client signer must produce byte-identical Authorization values. */
interface SignUtils {
  buildCanonicalString(
    method: string,
    resource: string,
    request: { headers: Record<string, string>; parameters?: unknown },
    expires?: string,
  ): string;
  authorization(ak: string, sk: string, canonical: string): string;
  authorizationV4(
    ak: string,
    sk: string,
    region: string,
    method: string,
    request: { headers: Record<string, string>; queries: Record<string, string | null> },
    bucket?: string,
    object?: string,
    additionalHeaders?: string[],
  ): string;
}
const signUtils = createRequire(import.meta.url)('ali-oss/lib/common/signUtils') as SignUtils;

const DATE = new Date(Date.UTC(2026, 10, 29, 2, 59, 59));
const base = {
  accessKeyId: 'AKIDEXAMPLE',
  secret: 'SECRETEXAMPLE',
  region: 'cn-hangzhou',
  date: DATE,
} as const;

function aliV1(req: ClientRequest): string {
  const headers: Record<string, string> = { ...(req.headers ?? {}), 'x-oss-date': rfc1123(req.date) };
  const resource = req.bucket === undefined ? '/' : `/${req.bucket}/${req.key ?? ''}`;
  const canonical = signUtils.buildCanonicalString(
    req.method,
    resource,
    { headers, parameters: req.subresources },
    undefined,
  );
  return signUtils.authorization(req.accessKeyId, req.secret, canonical);
}

function aliV4(req: ClientRequest): string {
  const headers: Record<string, string> = {
    ...(req.headers ?? {}),
    'x-oss-date': isoBasic(req.date),
    'x-oss-content-sha256': 'UNSIGNED-PAYLOAD',
  };
  const queries: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(req.subresources ?? {})) queries[k] = v === '' ? null : v;
  for (const [k, v] of Object.entries(req.query ?? {})) queries[k] = v;
  return signUtils.authorizationV4(
    req.accessKeyId,
    req.secret,
    req.region,
    req.method,
    { headers, queries },
    req.bucket,
    req.key,
    req.additionalHeaders ? [...req.additionalHeaders] : undefined,
  );
}

const CASES: [string, ClientRequest][] = [
  [
    'odd key a b+c.txt',
    {
      ...base,
      method: 'PUT',
      bucket: 'bkt1',
      key: 'dir/a b+c.txt',
      headers: { 'Content-Type': 'text/plain', 'Content-MD5': 'XUFAKrxLKna5cZ2REBfFkg==' },
    },
  ],
  ['key ..', { ...base, method: 'GET', bucket: 'bkt1', key: '..' }],
  ['unicode key', { ...base, method: 'GET', bucket: 'bkt1', key: '中文/😀 é.txt' }],
  ['literal %20 in key', { ...base, method: 'GET', bucket: 'bkt1', key: 'x%20y' }],
  ["reserved chars !'()*", { ...base, method: 'GET', bucket: 'bkt1', key: "q'(*)!~.txt" }],
  [
    'bucket level listV2',
    {
      ...base,
      method: 'GET',
      bucket: 'bkt1',
      subresources: { 'continuation-token': 'tok' },
      query: { 'list-type': '2', prefix: 'dir/', 'max-keys': '10' },
    },
  ],
  ['service level', { ...base, method: 'GET' }],
  [
    'CreateJob /?batchJob',
    {
      ...base,
      method: 'POST',
      subresources: { batchJob: '' },
      headers: { 'Content-Type': 'application/xml', 'Content-MD5': 'XUFAKrxLKna5cZ2REBfFkg==' },
    },
  ],
  ['DescribeJob', { ...base, method: 'GET', subresources: { batchJob: '' }, query: { batchJobId: 'MTIz=' } }],
  [
    'ListJobs',
    {
      ...base,
      method: 'GET',
      subresources: { batchJob: '', 'continuation-token': 'a b' },
      query: { 'max-keys': '10', batchJobStatuses: 'Active' },
    },
  ],
  [
    'UpdateJobPriority',
    {
      ...base,
      method: 'POST',
      subresources: { batchJobPriority: '' },
      query: { batchJobId: 'MTIz=', targetPriority: '5' },
    },
  ],
  [
    'UpdateJobStatus',
    {
      ...base,
      method: 'POST',
      subresources: { batchJobStatus: '' },
      query: {
        batchJobId: 'job-0001',
        requestedJobStatus: 'Cancelled',
        statusUpdateReason: 'no longer needed',
      },
    },
  ],
  [
    'query order zebra',
    {
      ...base,
      method: 'GET',
      bucket: 'bkt1',
      subresources: { tagging: '' },
      query: { z: '1', a: '2', 'A-b': '3', _x: '4', '~y': '5' },
    },
  ],
  [
    'k vs k= (explicit empty query value)',
    { ...base, method: 'GET', bucket: 'bkt1', subresources: { acl: '' }, query: { prefix: '' } },
  ],
  [
    'x-oss headers and sub-resource value',
    {
      ...base,
      method: 'PUT',
      bucket: 'bkt1',
      key: 'k',
      subresources: { acl: '' },
      headers: { 'x-oss-object-acl': 'public-read', 'X-OSS-Meta-A': ' b ' },
    },
  ],
  [
    'additional headers',
    {
      ...base,
      method: 'GET',
      bucket: 'bkt1',
      key: 'k',
      headers: { Range: 'bytes=0-1', host: 'localhost' },
      additionalHeaders: ['range', 'Host', 'x-oss-meta-z'],
    },
  ],
];

describe('sign-client matches ali-oss 6.23.0 signUtils', () => {
  it.each(CASES)('V1 %s', (_name, req) => {
    expect(signV1(req)['authorization']).toBe(aliV1(req));
  });
  it.each(CASES)('V4 %s', (_name, req) => {
    expect(signV4(req)['authorization']).toBe(aliV4(req));
  });

  it('reproduces the captured V1 wire example (real-clients §1.5)', () => {
    const h = signV1({
      ...base,
      method: 'PUT',
      bucket: 'bkt1',
      key: 'dir/a b+c.txt',
      headers: { 'content-type': 'text/plain', 'content-md5': 'XUFAKrxLKna5cZ2REBfFkg==' },
    });
    expect(h['x-oss-date']).toBe('Sun, 29 Nov 2026 02:59:59 GMT');
    expect(h['authorization']).toBe('OSS AKIDEXAMPLE:xLjFrnLltb0WuXPE5IDon0xNQdA=');
  });

  it('V1 resources for batch calls are /?batchJob etc.', () => {
    expect(canonicalResourceV1(undefined, undefined, { batchJobPriority: '' })).toBe('/?batchJobPriority');
    expect(canonicalResourceV1('bkt1', undefined, { 'continuation-token': 'tok' })).toBe(
      '/bkt1/?continuation-token=tok',
    );
  });
});
