/** HTTP-layer routing of the five batch APIs (the jobs layer's own behaviour is tested in test/jobs/). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  jobRequest,
  rawRequest,
  signedRawRequest,
  startTestServer,
  type TestServer,
} from '../helpers/server.js';

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer();
  await ts.anyClient().putBucket('jobs-host');
});
afterAll(async () => {
  await ts.close();
});

const code = (xml: string): string | undefined => /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];

describe.each([
  ['V1', false],
  ['V4', true],
])('batch job routing (%s)', (_name, v4) => {
  it('routes ListJobs and DescribeJob at the service level', async () => {
    const listed = await jobRequest(ts.anyClient({ v4 }), 'ListJobs', { maxKeys: 10 });
    expect(listed.status).toBe(200);
    expect(listed.xml).toContain('<ListJobsResult');
    const raw = await signedRawRequest(ts, {
      method: 'GET',
      subresources: { batchJob: '' },
      query: { batchJobId: 'bm9zdWNoam9i' },
      v4,
    });
    expect(raw.status).toBe(404);
    expect(code(raw.text)).toBe('NoSuchJob');
  });

  it('ignores a bucket in the Host or path (virtual-hosted clients)', async () => {
    const vh = ts.anyClient({ v4, bucket: 'jobs-host', virtualHosted: true });
    const listed = await jobRequest(vh, 'ListJobs', {});
    expect(listed.status).toBe(200);
    const withBucket = await signedRawRequest(ts, {
      method: 'GET',
      bucket: 'jobs-host',
      subresources: { batchJob: '' },
      v4,
    });
    // Signed over /jobs-host/ but routed as service-level ListJobs.
    expect(withBucket.status).toBe(200);
    expect(withBucket.text).toContain('<ListJobsResult');
  });

  it('verifies Content-MD5 of a CreateJob body (InvalidDigest)', async () => {
    const wrong = Buffer.alloc(16, 7).toString('base64');
    const res = await signedRawRequest(ts, {
      method: 'POST',
      subresources: { batchJob: '' },
      body: '<CreateJobRequest/>',
      v4,
      headers: { 'content-md5': wrong, 'content-type': 'application/xml' },
    });
    expect(res.status).toBe(400);
    expect(code(res.text)).toBe('InvalidDigest');
  });

  it('passes malformed CreateJob bodies to the jobs layer, which answers 4xx', async () => {
    const res = await signedRawRequest(ts, {
      method: 'POST',
      subresources: { batchJob: '' },
      body: '<CreateJobRequest><Oops>',
      v4,
    });
    expect(res.status).toBe(400);
    expect(code(res.text)).toBe('MalformedXML');
  });
});

describe('batch job routing without credentials', () => {
  it('refuses anonymous callers', async () => {
    for (const path of ['/?batchJob', '/?batchJob=&batchJobId=abc', '/?max-keys=5&batchJob']) {
      const res = await rawRequest(ts.url, { path });
      expect(res.status).toBe(403);
      expect(code(res.text)).toBe('AccessDenied');
    }
  });

  it('treats batchJob and batchJob= alike, in any position, and refuses GET on ?batchJobStatus', async () => {
    const a = await rawRequest(ts.url, {
      method: 'POST',
      path: '/?batchJobId=x&batchJobStatus=&requestedJobStatus=Ready',
    });
    expect(code(a.text)).toBe('AccessDenied');
    const b = await rawRequest(ts.url, { method: 'GET', path: '/?batchJobStatus' });
    expect(b.status).toBe(405);
    expect(code(b.text)).toBe('MethodNotAllowed');
  });
});
