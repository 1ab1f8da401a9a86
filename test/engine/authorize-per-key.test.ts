import { afterEach, describe, expect, it } from 'vitest';
import { ACCOUNT, createHarness, readReport, TAG_OP, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/**
 * The executor decides a bucket's tasks once per batch when no statement tells its keys apart
 * (Authorizer.sameForEveryKey). These jobs mix allowed and denied keys of one bucket in one batch, and two
 * buckets with different answers: every task must still get its own decision.
 */
describe('a job role whose policy names some keys of a bucket', () => {
  it('decides each key on its own when the Resource or a Deny tells keys apart', async () => {
    h = await createHarness({ chunkSize: 100 });
    await h.iamAdmin.createRole({
      roleName: 'partial',
      assumeRolePolicyDocument: JSON.stringify({
        Version: '1',
        Statement: [
          { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: ['oss.aliyuncs.com'] } },
        ],
      }),
    });
    await h.iamAdmin.createPolicy({
      policyName: 'partial-policy',
      policyDocument: JSON.stringify({
        Version: '1',
        Statement: [
          { Effect: 'Allow', Action: ['oss:GetObject', 'oss:PutObject'], Resource: ['*'] },
          {
            Effect: 'Allow',
            Action: 'oss:PutObjectTagging',
            Resource: ['acs:oss:*:*:src/keep/*', 'acs:oss:*:*:all/*'],
          },
          { Effect: 'Deny', Action: 'oss:PutObjectTagging', Resource: ['acs:oss:*:*:src/keep/secret*'] },
        ],
      }),
    });
    await h.iamAdmin.attachPolicyToRole('partial-policy', 'partial');
    await h.bucket('src');
    await h.bucket('all');
    await h.bucket('rep');
    const keys = ['keep/a', 'other/b', 'keep/secret-c', 'keep/d', 'e'];
    await h.seed(
      'src',
      keys.map((key) => ({ key })),
    );
    await h.seed('all', [{ key: 'x' }, { key: 'y' }]);
    const manifest = [...keys.map((k) => `src,${k}`), 'all,x', 'all,y'].join('\n') + '\n';
    await h.putText('src', 'm.csv', manifest);
    const id = await h.createJob({
      operation: TAG_OP,
      manifest: { bucket: 'src', object: 'm.csv' },
      report: { bucket: 'rep' },
      roleArn: `acs:ram::${ACCOUNT}:role/partial`,
    });
    const job = await h.waitFor(id, ['Complete', 'Failed', 'Cancelled'], 10_000);
    expect([job.status, job.succeededTasks, job.failedTasks]).toEqual(['Complete', 4, 3]);
    const { rows } = await readReport(h, 'rep', '', id);
    const outcome = Object.fromEntries(
      rows.map((r) => [`${r[0]}/${decodeURIComponent(r[1] ?? '')}`, [r[3], r[5]]]),
    );
    expect(outcome).toEqual({
      'src/keep/a': ['succeeded', '200'],
      'src/other/b': ['failed', '403'],
      'src/keep/secret-c': ['failed', '403'],
      'src/keep/d': ['succeeded', '200'],
      'src/e': ['failed', '403'],
      'all/x': ['succeeded', '200'],
      'all/y': ['succeeded', '200'],
    });
  });
});
