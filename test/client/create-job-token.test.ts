import { describe, expect, it } from 'vitest';
import { withClientRequestToken } from '../../src/client/client.js';

describe('CreateJob idempotency token', () => {
  it('adds a random ClientRequestToken when the request has none, so transport retries cannot duplicate a job', () => {
    const xml = '<CreateJobRequest><Priority>1</Priority></CreateJobRequest>';
    const a = withClientRequestToken(xml);
    const b = withClientRequestToken(xml);
    expect(a).toMatch(
      /^<CreateJobRequest><Priority>1<\/Priority><ClientRequestToken>[0-9a-f-]{36}<\/ClientRequestToken><\/CreateJobRequest>$/,
    );
    expect(a).not.toBe(b);
  });

  it("keeps the caller's token and leaves other bodies alone", () => {
    const own = '<CreateJobRequest><ClientRequestToken>mine</ClientRequestToken></CreateJobRequest>';
    expect(withClientRequestToken(own)).toBe(own);
    expect(withClientRequestToken('<Oops/>')).toBe('<Oops/>');
  });
});
