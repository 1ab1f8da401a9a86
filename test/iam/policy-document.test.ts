import { describe, expect, it } from 'vitest';
import { parseAndCompilePolicy } from '../../src/iam/policy/compile.js';
import { parsePolicyDocument, PolicyError } from '../../src/iam/policy/document.js';

const doc = (statement: unknown): string => JSON.stringify({ Version: '1', Statement: statement });
const ok = { Effect: 'Allow', Action: 'oss:GetObject', Resource: '*' };

function reason(text: string, kind: 'identity' | 'bucket' | 'trust' = 'identity'): string {
  try {
    parseAndCompilePolicy(text, kind);
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyError);
    return (err as Error).message;
  }
  throw new Error('expected the document to be rejected');
}

describe('policy document validation', () => {
  it('accepts a single statement object and string or array values', () => {
    const parsed = parsePolicyDocument(doc(ok), 'identity');
    expect(parsed.statements).toHaveLength(1);
    expect(parsed.statements[0]?.action).toEqual(['oss:GetObject']);
    const arr = parsePolicyDocument(
      doc([{ ...ok, Action: ['oss:Get*', 'oss:List*'], Resource: ['acs:oss:*:*:b', 'acs:oss:*:*:b/*'] }]),
      'identity',
    );
    expect(arr.statements[0]?.resource).toEqual(['acs:oss:*:*:b', 'acs:oss:*:*:b/*']);
  });

  it('names the problem', () => {
    expect(reason('{not json')).toMatch(/^policy document is not valid JSON/);
    expect(reason('[]')).toBe('policy document must be a JSON object');
    expect(reason(JSON.stringify({ Version: '2', Statement: [ok] }))).toBe('Version must be "1"');
    expect(reason(JSON.stringify({ Version: '1' }))).toBe('Statement is required');
    expect(reason(doc([]))).toBe('Statement must not be empty');
    expect(reason(doc([ok, { ...ok, Effect: 'allow' }]))).toBe('Statement[1].Effect must be Allow or Deny');
    expect(reason(doc([{ Effect: 'Allow', Resource: '*' }]))).toBe('Statement[0].Action is required');
    expect(reason(doc([{ ...ok, NotAction: 'oss:PutObject' }]))).toBe(
      'Statement[0] must not have both Action and NotAction',
    );
    expect(reason(doc([{ Effect: 'Allow', Action: 'oss:GetObject' }]))).toBe(
      'Statement[0].Resource is required',
    );
    expect(reason(doc([{ ...ok, Action: 'GetObject' }]))).toMatch(
      /^Statement\[0\]\.Action\[0\] "GetObject" is not an action/,
    );
    expect(reason(doc([{ ...ok, Resource: 'bucket/*' }]))).toMatch(
      /^Statement\[0\]\.Resource\[0\] "bucket\/\*" is not a resource/,
    );
    expect(reason(doc([{ ...ok, Action: [] }]))).toBe('Statement[0].Action must not be empty');
    expect(reason(doc([{ ...ok, Acton: 'x' }]))).toBe('Statement[0] has unknown element Acton');
    expect(reason(JSON.stringify({ Version: '1', Statement: [ok], Extra: 1 }))).toMatch(
      /^unknown element Extra/,
    );
  });

  it('keeps Principal to bucket and trust policies', () => {
    expect(reason(doc([{ ...ok, Principal: ['*'] }]))).toBe(
      'Statement[0].Principal is not allowed in a RAM policy',
    );
    expect(reason(doc([ok]), 'bucket')).toBe('Statement[0].Principal is required in a bucket policy');
    expect(reason(doc([{ ...ok, Principal: { AWS: 'x' } }]), 'bucket')).toMatch(/unknown principal type AWS/);
    expect(() => parsePolicyDocument(doc([{ ...ok, Principal: [] }]), 'bucket')).not.toThrow();
    expect(parsePolicyDocument(doc([{ ...ok, Principal: [] }]), 'bucket').statements[0]?.principal?.any).toBe(
      true,
    );
    expect(
      parsePolicyDocument(doc([{ ...ok, Principal: { RAM: ['123'] } }]), 'bucket').statements[0]?.principal
        ?.ram,
    ).toEqual(['123']);
  });

  it('lets trust policies omit Resource', () => {
    const trust = doc([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: ['oss.aliyuncs.com'] } },
    ]);
    expect(parsePolicyDocument(trust, 'trust').statements[0]?.principal?.service).toEqual([
      'oss.aliyuncs.com',
    ]);
  });

  it('validates condition operators and values when compiling', () => {
    const withCond = (c: unknown): string => doc([{ ...ok, Condition: c }]);
    expect(reason(withCond({ StringEqual: { 'oss:Prefix': 'a' } }))).toBe(
      'Statement[0].Condition: unknown condition operator StringEqual',
    );
    expect(reason(withCond({ IpAddress: { 'acs:SourceIp': '10.0.0.0/33' } }))).toBe(
      'Statement[0].Condition.IpAddress.acs:SourceIp: "10.0.0.0/33" is not an IP address or CIDR block',
    );
    expect(reason(withCond({ NumericLessThan: { 'oss:max-keys': 'ten' } }))).toMatch(/"ten" is not a number/);
    expect(reason(withCond({ DateLessThan: { 'acs:CurrentTime': 'tomorrow' } }))).toMatch(
      /"tomorrow" is not an ISO-8601 date/,
    );
    expect(reason(withCond({ Bool: { 'acs:SecureTransport': 'yes' } }))).toMatch(
      /"yes" is not true or false/,
    );
    expect(reason(withCond({ StringEquals: {} }))).toMatch(/must be an object of condition keys/);
    expect(reason(withCond({ StringEquals: { 'oss:Prefix': [{}] } }))).toMatch(
      /must be a string, number or boolean/,
    );
    expect(() =>
      parseAndCompilePolicy(withCond({ Bool: { 'acs:SecureTransport': true } }), 'identity'),
    ).not.toThrow();
  });

  it('rejects documents over the RAM size limit', () => {
    const big = doc([
      { ...ok, Resource: Array.from({ length: 400 }, (_, i) => `acs:oss:*:*:bucket-${i}/*`) },
    ]);
    expect(reason(big)).toBe('policy document is longer than 6144 characters');
    expect(() =>
      parseAndCompilePolicy(big.replace('"Allow",', '"Allow","Principal":"*",'), 'bucket'),
    ).not.toThrow();
  });
});
