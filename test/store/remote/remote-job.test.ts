import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseXmlBody } from '../../../src/protocol/xml.js';
import { jobRequest, startTestServer, type TestServer } from '../../helpers/server.js';
import { TRUST_OSS } from '../../jobs/jobs-env.js';
import { STORE_KEY } from './remote-harness.js';
import { startThrottlingProxy } from './throttling-proxy.js';

/**
 * A PutObjectTagging job run by an ossbatch whose store is another ossbatch behind a proxy that answers
 * 503 SlowDown to the first THROTTLE tagging calls: the job slows down, completes, and loses no task.
 */
const OBJECTS = 400;
const THROTTLE = 150;

let back: TestServer;
let front: TestServer;
let proxy: Awaited<ReturnType<typeof startThrottlingProxy>>;

beforeAll(async () => {
  back = await startTestServer({
    config: { rootAccessKeyId: STORE_KEY.id, rootAccessKeySecret: STORE_KEY.secret },
  });
  proxy = await startThrottlingProxy(
    back.port,
    THROTTLE,
    (req) => req.method === 'PUT' && /[?&]tagging(=|&|$)/.test(req.url ?? ''),
  );
  front = await startTestServer({
    config: {
      store: `oss+http://127.0.0.1:${proxy.port}`,
      storeAccessKeyId: STORE_KEY.id,
      storeAccessKeySecret: STORE_KEY.secret,
      storeConcurrency: 16,
    },
  });
  const s = front.server.store;
  const owner = front.root.accountId;
  for (const name of ['data', 'manifests', 'reports'])
    await s.createBucket({ name, owner, acl: 'private', storageClass: 'Standard' });
  const keys = Array.from({ length: OBJECTS }, (_, i) => `obj/${String(i).padStart(4, '0')}`);
  await s.seedObjects(
    'data',
    keys.map((key) => ({ key })),
  );
  const csv = keys.map((k) => `data,${k}\n`).join('');
  await s.putObject({ bucket: 'manifests', key: 'm.csv', body: Readable.from([Buffer.from(csv)]) });
  await front.server.iamAdmin.createRole({ roleName: 'Tagger', assumeRolePolicyDocument: TRUST_OSS });
  await front.server.iamAdmin.createPolicy({
    policyName: 'tagger',
    policyDocument: JSON.stringify({
      Version: '1',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['oss:GetObject', 'oss:PutObjectTagging', 'oss:PutObject'],
          Resource: ['acs:oss:*:*:*'],
        },
      ],
    }),
  });
  await front.server.iamAdmin.attachPolicyToRole('tagger', 'Tagger');
}, 120_000);

afterAll(async () => {
  await front?.close();
  await proxy?.close();
  await back?.close();
});

const field = (node: unknown, name: string): string => {
  const v = (node as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : '';
};

describe('a job over a throttling remote store', () => {
  it('backs off on 503 SlowDown, completes with exact counts and tags every object once', async () => {
    const roleArn = `acs:ram::${front.root.accountId}:role/tagger`;
    const body =
      '<?xml version="1.0" encoding="UTF-8"?><CreateJobRequest><ConfirmationRequired>false</ConfirmationRequired>' +
      '<Operation><PutObjectTagging><TagSet><Tag><Key>pass</Key><Value>one</Value></Tag></TagSet></PutObjectTagging></Operation>' +
      '<Report><Bucket>reports</Bucket><Enabled>true</Enabled><Prefix>r/</Prefix><ReportScope>AllTasks</ReportScope></Report>' +
      '<Manifest><Location><Bucket>manifests</Bucket><Object>m.csv</Object></Location>' +
      '<Spec><Fields>Bucket,Key</Fields><Format>OSS_BatchOperations_CSV_20250611</Format></Spec></Manifest>' +
      `<Priority>10</Priority><RoleArn>${roleArn}</RoleArn></CreateJobRequest>`;
    const client = front.client({ v4: true });
    const created = await jobRequest(client, 'CreateJob', { body });
    expect(created.status, created.xml).toBe(200);
    const jobId = field(parseXmlBody(created.xml, 'CreateJobResult'), 'JobId');
    const deadline = Date.now() + 120_000;
    let job: Record<string, unknown>;
    for (;;) {
      const d = await jobRequest(client, 'DescribeJob', { jobId });
      job = parseXmlBody(d.xml, 'DescribeJobResult')['Job'] as Record<string, unknown>;
      const status = field(job, 'Status');
      if (status === 'Complete' || status === 'Failed' || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(field(job, 'Status')).toBe('Complete');
    const progress = job['ProgressSummary'];
    expect(field(progress, 'TotalNumberOfTasks')).toBe(String(OBJECTS));
    expect(field(progress, 'NumberOfTasksSucceeded')).toBe(String(OBJECTS));
    expect(field(progress, 'NumberOfTasksFailed')).toBe('0');
    // The store really throttled, and every object got the tag (read in the backing store itself).
    expect(proxy.throttled()).toBe(THROTTLE);
    expect(proxy.passed()).toBe(OBJECTS);
    const heads = await Promise.all(
      Array.from({ length: OBJECTS }, (_, i) =>
        back.server.store.headObject('data', `obj/${String(i).padStart(4, '0')}`),
      ),
    );
    for (const h of heads) expect(h?.tags).toEqual([{ key: 'pass', value: 'one' }]);
    // Each throttled answer paused one call (a call that ran out of tries is retried by the engine instead).
    const retries = await front.server.registry.getSingleMetric('ossbatch_store_retries_total')?.get();
    const retried = retries?.values.find((v) => v.labels.code === 'ServiceUnavailable')?.value ?? 0;
    expect(retried).toBeGreaterThan(0);
    expect(retried).toBeLessThanOrEqual(THROTTLE);
    const reports = await back.server.store.listObjects({ bucket: 'reports', prefix: 'r/', maxKeys: 100 });
    expect(reports.objects.length).toBeGreaterThan(0);
  }, 150_000);
});
