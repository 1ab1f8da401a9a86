import { describe, expect, it } from 'vitest';
import { signatureKind } from '../../src/protocol/signature-kind.js';

/** Which scheme --job-write-signature judges: the same choice authenticate() makes (header first, then query). */
describe('signatureKind', () => {
  const q = (o: Record<string, string> = {}): Map<string, string> => new Map(Object.entries(o));
  it('tells V1 and V4 headers and presigned URLs apart', () => {
    expect(signatureKind({ authorization: 'OSS LTAI:abc=' }, q())).toBe('v1');
    expect(
      signatureKind(
        {
          authorization:
            'OSS4-HMAC-SHA256 Credential=LTAI/20261129/cn-hangzhou/oss/aliyun_v4_request,Signature=ab',
        },
        q(),
      ),
    ).toBe('v4');
    expect(signatureKind({}, q({ OSSAccessKeyId: 'LTAI', Expires: '1', Signature: 'x' }))).toBe('v1');
    expect(
      signatureKind({}, q({ 'x-oss-signature-version': 'OSS4-HMAC-SHA256', 'x-oss-signature': 'x' })),
    ).toBe('v4');
    expect(signatureKind({}, q())).toBe('none');
    // A header wins over a query, as in authenticate(): a V1 header with V4-looking parameters is V1.
    expect(signatureKind({ authorization: 'OSS LTAI:abc=' }, q({ 'x-oss-signature': 'x' }))).toBe('v1');
  });
});
