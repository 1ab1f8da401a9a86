import { gunzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OffsetClock } from '../../src/protocol/clock.js';
import { jobRequest, startTestServer, type LooseOss, type TestServer } from '../helpers/server.js';

const TRUST_OSS = JSON.stringify({
  Version: '1',
  Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: ['oss.aliyuncs.com'] } }],
});
const DAY = 24 * 60 * 60 * 1000;

interface OssErr {
  code: string;
  status: number;
  ecCode?: string;
}
const failure = (p: Promise<unknown>): Promise<OssErr> =>
  p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: OssErr) => e,
  );

const inventory = (account: string, over: Record<string, unknown> = {}) => ({
  id: 'daily1',
  isEnabled: true,
  prefix: '',
  OSSBucketDestination: {
    format: 'CSV',
    accountId: account,
    rolename: 'AliyunOSSRole',
    bucket: 'inv-dest',
    prefix: 'reports',
  },
  frequency: 'Daily',
  includedObjectVersions: 'Current',
  optionalFields: { field: ['Size', 'LastModifiedDate', 'ETag', 'StorageClass'] },
  ...over,
});

async function readJson(c: LooseOss, key: string): Promise<Record<string, unknown>> {
  return JSON.parse(((await c.get(key)).content as Buffer).toString()) as Record<string, unknown>;
}

/** POST ?inventory&inventoryId= (ossbatch extension): run now, returns the manifest key. */
async function runNow(c: LooseOss, bucket: string, id: string): Promise<string> {
  const r = await c.request({
    method: 'POST',
    bucket,
    subres: { inventory: '', inventoryId: id },
    successStatuses: [200],
    xmlResponse: true,
  });
  return r.data.ManifestKey as string;
}

describe.each([false, true])('bucket inventory over the wire (v4=%s)', (v4) => {
  let ts: TestServer;
  const clock = new OffsetClock();
  let n = 0;
  const src = (): string => `inv-src-${v4 ? 'v4' : 'v1'}-${(n += 1)}`;
  beforeAll(async () => {
    ts = await startTestServer({ clock, config: { inventoryCheckMs: 20 } });
    await ts.anyClient({ v4 }).putBucket('inv-dest');
  });
  afterAll(async () => {
    await ts.close();
  });

  it('puts, gets, lists and deletes configurations as ali-oss does', async () => {
    const bucket = src();
    const c = ts.anyClient({ v4, bucket });
    await c.putBucket(bucket);
    const acct = ts.root.accountId;
    expect((await c.putBucketInventory(bucket, inventory(acct))).status).toBe(200);
    await c.putBucketInventory(
      bucket,
      inventory(acct, { id: 'weekly2', frequency: 'Weekly', includedObjectVersions: 'All', prefix: 'p/' }),
    );
    const got = (await c.getBucketInventory(bucket, 'daily1')).inventory;
    expect(got).toMatchObject({
      id: 'daily1',
      isEnabled: true,
      frequency: 'Daily',
      includedObjectVersions: 'Current',
      OSSBucketDestination: {
        bucket: 'inv-dest',
        rolename: 'AliyunOSSRole',
        prefix: 'reports',
        format: 'CSV',
        accountId: acct,
      },
    });
    expect(got.optionalFields.field).toEqual(['Size', 'LastModifiedDate', 'ETag', 'StorageClass']);
    const list = await c.listBucketInventory(bucket);
    expect(list.inventoryList.map((i: { id: string }) => i.id)).toEqual(['daily1', 'weekly2']);
    expect(list.isTruncated).toBe(false);
    const dup = await failure(c.putBucketInventory(bucket, inventory(acct)));
    expect([dup.status, dup.code]).toEqual([409, 'InventoryAlreadyExist']);
    expect((await c.deleteBucketInventory(bucket, 'weekly2')).status).toBe(204);
    const gone = await failure(c.getBucketInventory(bucket, 'weekly2'));
    expect([gone.status, gone.code]).toEqual([404, 'NoSuchInventory']);
  });

  it('refuses bad documents with OSS errors', async () => {
    const bucket = src();
    const c = ts.anyClient({ v4, bucket });
    await c.putBucket(bucket);
    const acct = ts.root.accountId;
    const cases: [Record<string, unknown>, string][] = [
      [{ frequency: 'Hourly' }, 'InvalidArgument'],
      [{ includedObjectVersions: 'Some' }, 'InvalidArgument'],
      [{ optionalFields: { field: ['Colour'] } }, 'InvalidArgument'],
      [
        { OSSBucketDestination: { format: 'CSV', accountId: '42', rolename: 'r', bucket: 'inv-dest' } },
        'InvalidArgument',
      ],
      [
        { OSSBucketDestination: { format: 'CSV', accountId: acct, rolename: 'r', bucket: 'no-such-dest' } },
        'InvalidArgument',
      ],
      [
        { OSSBucketDestination: { format: 'ORC', accountId: acct, rolename: 'r', bucket: 'inv-dest' } },
        'InvalidArgument',
      ],
    ];
    for (const [over, code] of cases) {
      const e = await failure(c.putBucketInventory(bucket, inventory(acct, over)));
      expect([e.status, e.code], JSON.stringify(over)).toEqual([400, code]);
    }
    const mismatch = await failure(
      c.request({
        method: 'PUT',
        bucket,
        subres: { inventory: '', inventoryId: 'other' },
        content: '<InventoryConfiguration><Id>mine</Id></InventoryConfiguration>',
        mime: 'xml',
        successStatuses: [200],
      }),
    );
    expect([mismatch.status, mismatch.code, mismatch.ecCode]).toEqual([
      400,
      'InvalidArgument',
      '0020-00000043',
    ]);
    const empty = await c.listBucketInventory(bucket);
    expect([empty.status, empty.isTruncated, empty.inventoryList ?? []]).toEqual([200, false, []]);
  });

  it('an on-demand run writes manifest.json, manifest.checksum and gzip CSV files with the configured fields', async () => {
    const bucket = src();
    const c = ts.anyClient({ v4, bucket });
    await c.putBucket(bucket);
    for (const k of ['a.txt', 'p/b c.txt', 'p/中.bin']) await c.put(k, Buffer.from(k));
    await c.putBucketInventory(bucket, inventory(ts.root.accountId, { prefix: 'p/' }));
    const key = await runNow(c, bucket, 'daily1');
    expect(key).toMatch(
      new RegExp(`^reports/${bucket}/daily1/\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}Z/manifest\\.json$`),
    );
    const d = ts.anyClient({ v4, bucket: 'inv-dest' });
    const manifest = await readJson(d, key);
    expect(manifest).toMatchObject({
      sourceBucket: bucket,
      destinationBucket: 'inv-dest',
      fileFormat: 'CSV',
      fileSchema: 'Bucket, Key, Size, LastModifiedDate, ETag, StorageClass',
    });
    const checksum = (
      (await d.get(key.replace('manifest.json', 'manifest.checksum'))).content as Buffer
    ).toString();
    const jsonBytes = (await d.get(key)).content as Buffer;
    expect(checksum).toBe(createHash('md5').update(jsonBytes).digest('hex').toUpperCase());
    const files = manifest.files as { key: string; size: number; MD5checksum: string }[];
    expect(files).toHaveLength(1);
    const gz = (await d.get(files[0]!.key)).content as Buffer;
    expect(files[0]!.key).toMatch(new RegExp(`^reports/${bucket}/daily1/data/[0-9a-f-]+\\.csv\\.gz$`));
    expect([gz.length, createHash('md5').update(gz).digest('hex').toUpperCase()]).toEqual([
      files[0]!.size,
      files[0]!.MD5checksum,
    ]);
    const lines = gunzipSync(gz).toString().trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^"inv-src-v\d-\d+","p%2Fb%20c\.txt","9","\d{4}-.*Z","[0-9A-F]{32}","Standard"$/,
    );
    const missing = await failure(runNow(c, bucket, 'nope'));
    expect([missing.status, missing.code]).toEqual([404, 'NoSuchInventory']);
  });

  it('round trip: a CreateJob over the inventory manifest (all versions) tags exactly the listed versions', async () => {
    const bucket = src();
    const c = ts.anyClient({ v4, bucket });
    await c.putBucket(bucket);
    await c.putBucketVersioning(bucket, 'Enabled');
    const ids: Record<string, string> = {};
    for (const [k, body] of [
      ['r/a', 'a1'],
      ['r/a', 'a2'],
      ['r/b', 'b1'],
      ['other', 'o'],
    ] as const)
      ids[body] = (await c.put(k, Buffer.from(body))).res.headers['x-oss-version-id'] as string;
    await c.delete('r/b'); // delete marker: listed, but not a task
    await c.putBucketInventory(
      bucket,
      inventory(ts.root.accountId, {
        id: 'all',
        prefix: 'r/',
        includedObjectVersions: 'All',
        optionalFields: {},
      }),
    );
    const key = await runNow(c, bucket, 'all');
    await c.put('r/late', Buffer.from('not in the inventory'));
    const roleName = `InvRole${v4 ? 4 : 1}`;
    const role = await ts.server.iamAdmin.createRole({ roleName, assumeRolePolicyDocument: TRUST_OSS });
    await ts.server.iamAdmin.createPolicy({
      policyName: `${roleName}-p`,
      policyDocument: JSON.stringify({
        Version: '1',
        Statement: [{ Effect: 'Allow', Action: ['oss:*'], Resource: ['acs:oss:*:*:*'] }],
      }),
    });
    await ts.server.iamAdmin.attachPolicyToRole(`${roleName}-p`, roleName);
    const body =
      '<?xml version="1.0" encoding="UTF-8"?><CreateJobRequest><ConfirmationRequired>false</ConfirmationRequired>' +
      '<Operation><PutObjectTagging><TagSet><Tag><Key>seen</Key><Value>yes</Value></Tag></TagSet></PutObjectTagging></Operation>' +
      `<Report><Bucket>inv-dest</Bucket><Enabled>true</Enabled><Prefix>jobs/</Prefix><ReportScope>AllTasks</ReportScope></Report>` +
      `<Manifest><Location><Bucket>inv-dest</Bucket><Object>${key}</Object></Location><Spec><Format>OSS_InventoryReport_CSV_20250611</Format></Spec></Manifest>` +
      `<Priority>10</Priority><RoleArn>${role.Arn}</RoleArn></CreateJobRequest>`;
    const created = await jobRequest(ts.client({ v4 }), 'CreateJob', { body });
    const jobId = created.data.JobId as string;
    let job: Record<string, unknown> = {};
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      job = (await jobRequest(ts.client({ v4 }), 'DescribeJob', { jobId })).data.Job as Record<
        string,
        unknown
      >;
      if (['Complete', 'Failed'].includes(job.Status as string)) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(job.Status).toBe('Complete');
    expect(job.ProgressSummary).toMatchObject({
      TotalNumberOfTasks: '3',
      NumberOfTasksSucceeded: '3',
      NumberOfTasksFailed: '0',
    });
    const tags = async (k: string, versionId?: string) =>
      (await c.getObjectTagging(k, versionId ? { versionId } : {})).tag;
    expect(await tags('r/a', ids.a1)).toEqual({ seen: 'yes' });
    expect(await tags('r/a', ids.a2)).toEqual({ seen: 'yes' });
    expect(await tags('r/b', ids.b1)).toEqual({ seen: 'yes' });
    expect(await tags('other')).toEqual({});
    expect(await tags('r/late')).toEqual({});
  });
  it('runs on its daily schedule, driven by the clock (last: it moves the clock)', async () => {
    const bucket = src();
    const c = ts.anyClient({ v4, bucket });
    await c.putBucket(bucket);
    await c.put('x', Buffer.from('x'));
    await c.putBucketInventory(
      bucket,
      inventory(ts.root.accountId, {
        OSSBucketDestination: {
          format: 'CSV',
          accountId: ts.root.accountId,
          rolename: 'r',
          bucket: 'inv-dest',
          prefix: `sched-${bucket}`,
        },
      }),
    );
    // Once the server's clock is a day ahead, signed requests are "too skewed": read the store directly.
    const manifests = async (): Promise<string[]> =>
      (
        await ts.server.store.listObjects({ bucket: 'inv-dest', prefix: `sched-${bucket}/`, maxKeys: 1000 })
      ).objects
        .map((o) => o.key)
        .filter((k) => k.endsWith('manifest.json'));
    expect(await manifests()).toEqual([]);
    clock.advance(DAY + 60_000);
    const deadline = Date.now() + 10_000;
    let found: string[] = [];
    while (Date.now() < deadline && found.length === 0) {
      await new Promise((r) => setTimeout(r, 20));
      found = await manifests();
    }
    expect(found).toHaveLength(1);
  });
});
