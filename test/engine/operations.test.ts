import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, readReport, TAG_OP, type Harness } from './harness.js';

let h: Harness;
let role: string;
beforeEach(async () => {
  h = await createHarness({ chunkSize: 7 });
  await h.bucket('src');
  await h.bucket('reports');
  role = await h.role('batch');
});
afterEach(async () => {
  await h.close();
});

const keys = (n: number, prefix = 'obj/'): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);
const csv = (rows: string[][]): string => rows.map((r) => r.join(',')).join('\n') + '\n';
const REPORT = { bucket: 'reports', prefix: 'r/' };

async function runCsvJob(
  operation: string,
  rows: string[][],
  extra: { fields?: string; scope?: 'AllTasks' | 'FailedTasksOnly'; roleArn?: string } = {},
) {
  await h.putText('src', 'manifest.csv', csv(rows));
  const id = await h.createJob({
    operation,
    manifest: { bucket: 'src', object: 'manifest.csv', fields: extra.fields },
    report: { ...REPORT, scope: extra.scope ?? 'AllTasks' },
    roleArn: extra.roleArn ?? role,
  });
  const job = await h.waitFor(id, ['Complete', 'Failed']);
  const report = await readReport(h, 'reports', 'r/', id);
  return { id, job, ...report, byKey: new Map(report.rows.map((r) => [decodeURIComponent(r[1] ?? ''), r])) };
}

describe('PutObjectTagging from a CSV manifest', () => {
  it('tags every object, counts exactly and reports every task once', async () => {
    const names = [...keys(40), 'weird key, "quoted"/ä+%.txt'];
    await h.seed(
      'src',
      names.map((key) => ({ key, tags: [{ key: 'old', value: '1' }] })),
    );
    const { job, manifest, rows } = await runCsvJob(
      TAG_OP,
      names.map((k) => ['src', encodeURIComponent(k)]),
    );
    expect(job.status).toBe('Complete');
    expect([job.totalTasks, job.succeededTasks, job.failedTasks]).toEqual([41, 41, 0]);
    for (const k of names)
      expect((await h.store.headObject('src', k))?.tags).toEqual([{ key: 'k', value: 'v' }]);
    expect(manifest.Results.map((r) => r.TaskExecutionStatus)).toEqual(['succeeded']);
    expect(rows.map((r) => decodeURIComponent(r[1] ?? '')).sort()).toEqual([...names].sort());
    for (const r of rows) expect([r[0], r[2], r[3], r[4], r[5]]).toEqual(['src', '', 'succeeded', '', '200']);
  });

  it('reports NoSuchKey, NoSuchBucket and stale versions (NoSuchVersion) as failed rows', async () => {
    await h.seed('src', [{ key: 'a' }, { key: 'b' }]);
    const va = (await h.store.headObject('src', 'a'))?.versionId ?? '';
    const rows = [
      ['src', 'a', va],
      ['src', 'b', 'stale-version'],
      ['src', 'missing', ''],
      ['nobucket', 'x', ''],
    ];
    const r = await runCsvJob(TAG_OP, rows, { fields: 'Bucket,Key,VersionId' });
    expect([r.job.status, r.job.succeededTasks, r.job.failedTasks]).toEqual(['Complete', 1, 3]);
    expect(r.byKey.get('a')?.slice(2, 6)).toEqual([va, 'succeeded', '', '200']);
    expect(r.byKey.get('b')?.slice(2, 6)).toEqual(['stale-version', 'failed', 'NoSuchVersion', '404']);
    expect(r.byKey.get('missing')?.slice(3, 6)).toEqual(['failed', 'NoSuchKey', '404']);
    expect(r.byKey.get('x')?.slice(0, 6)).toEqual(['nobucket', 'x', '', 'failed', 'NoSuchBucket', '404']);
    expect((await h.store.headObject('src', 'b'))?.tags).toEqual([]);
    expect(r.manifest.Results.map((x) => x.TaskExecutionStatus)).toEqual(['succeeded', 'failed']);
  });

  it('reports a task whose manifest bucket or version id holds a comma (quoted CSV field) exactly once', async () => {
    await h.seed('src', [{ key: 'a' }]);
    const rows = [
      ['src', 'a', '"v,1"'],
      ['"sr,c"', 'a', ''],
      ['src', 'a', ''],
    ];
    const r = await runCsvJob(TAG_OP, rows, { fields: 'Bucket,Key,VersionId' });
    expect([r.job.succeededTasks, r.job.failedTasks]).toEqual([1, 2]);
    expect(r.rows.map((x) => [x[0], x[2], x[3]]).sort()).toEqual([
      ['sr,c', '', 'failed'],
      ['src', '', 'succeeded'],
      ['src', 'v,1', 'failed'],
    ]);
  });

  it('writes only failed rows for FailedTasksOnly', async () => {
    await h.seed('src', [{ key: 'a' }, { key: 'b' }]);
    const r = await runCsvJob(
      TAG_OP,
      [
        ['src', 'a'],
        ['src', 'gone'],
        ['src', 'b'],
      ],
      { scope: 'FailedTasksOnly' },
    );
    expect([r.job.succeededTasks, r.job.failedTasks]).toEqual([2, 1]);
    expect(r.rows).toEqual([['src', 'gone', '', 'failed', 'NoSuchKey', '404', expect.any(String) as string]]);
    expect(r.manifest.Results.map((x) => x.TaskExecutionStatus)).toEqual(['failed']);
  });

  it('fails every task AccessDenied when the role may not tag, but may read the manifest', async () => {
    await h.seed('src', [{ key: 'a' }, { key: 'b' }]);
    const weak = await h.role('reader', ['oss:GetObject', 'oss:PutObject']);
    const r = await runCsvJob(
      TAG_OP,
      [
        ['src', 'a'],
        ['src', 'b'],
      ],
      { roleArn: weak },
    );
    expect([r.job.status, r.job.succeededTasks, r.job.failedTasks]).toEqual(['Complete', 0, 2]);
    for (const row of r.rows) expect(row.slice(3, 6)).toEqual(['failed', 'AccessDenied', '403']);
    expect((await h.store.headObject('src', 'a'))?.tags).toEqual([]);
  });

  it('denies a bucket of another account unless its bucket policy allows the role', async () => {
    await h.bucket('foreign', '999999');
    await h.bucket('shared', '999999');
    await h.store.setBucketPolicy(
      'shared',
      JSON.stringify({
        Version: '1',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['oss:PutObjectTagging'],
            Principal: ['*'],
            Resource: ['acs:oss:*:999999:shared/*'],
          },
        ],
      }),
    );
    await h.seed('foreign', [{ key: 'f' }]);
    await h.seed('shared', [{ key: 's' }]);
    const r = await runCsvJob(TAG_OP, [
      ['foreign', 'f'],
      ['shared', 's'],
    ]);
    expect(r.byKey.get('f')?.slice(3, 6)).toEqual(['failed', 'AccessDenied', '403']);
    expect(r.byKey.get('s')?.slice(3, 6)).toEqual(['succeeded', '', '200']);
  });
});

describe('the other operations', () => {
  it('AddObjectTagging merges, and fails an object that would exceed 10 tags', async () => {
    const ten = Array.from({ length: 10 }, (_, i) => ({ key: `t${i}`, value: 'x' }));
    await h.seed('src', [
      { key: 'a', tags: [{ key: 'keep', value: '1' }] },
      { key: 'full', tags: ten },
    ]);
    const op =
      '<AddObjectTagging><TagSet><Tag><Key>new</Key><Value>2</Value></Tag></TagSet></AddObjectTagging>';
    const r = await runCsvJob(op, [
      ['src', 'a'],
      ['src', 'full'],
    ]);
    expect((await h.store.headObject('src', 'a'))?.tags).toEqual([
      { key: 'keep', value: '1' },
      { key: 'new', value: '2' },
    ]);
    expect(r.byKey.get('full')?.slice(3, 5)).toEqual(['failed', 'InvalidArgument']);
    expect((await h.store.headObject('src', 'full'))?.tags).toHaveLength(10);
  });

  it('AddObjectTagging needs oss:GetObjectTagging as well', async () => {
    await h.seed('src', [{ key: 'a' }]);
    const putOnly = await h.role('putonly', ['oss:GetObject', 'oss:PutObject', 'oss:PutObjectTagging']);
    const op =
      '<AddObjectTagging><TagSet><Tag><Key>new</Key><Value>2</Value></Tag></TagSet></AddObjectTagging>';
    const r = await runCsvJob(op, [['src', 'a']], { roleArn: putOnly });
    expect(r.byKey.get('a')?.slice(3, 6)).toEqual(['failed', 'AccessDenied', '403']);
  });

  it('DeleteObjectTagging and PutObjectAcl', async () => {
    await h.seed('src', [{ key: 'a', tags: [{ key: 'x', value: '1' }] }]);
    let r = await runCsvJob('<DeleteObjectTagging></DeleteObjectTagging>', [['src', 'a']]);
    expect(r.job.succeededTasks).toBe(1);
    expect((await h.store.headObject('src', 'a'))?.tags).toEqual([]);
    r = await runCsvJob('<PutObjectAcl><ObjectAcl>public-read</ObjectAcl></PutObjectAcl>', [
      ['src', 'a'],
      ['src', 'nope'],
    ]);
    expect([r.job.succeededTasks, r.job.failedTasks]).toEqual([1, 1]);
    expect((await h.store.headObject('src', 'a'))?.acl).toBe('public-read');
  });

  it('RestoreObject: archive objects restore (again: success with a message), others fail', async () => {
    await h.seed('src', [
      { key: 'cold', storageClass: 'Archive' },
      { key: 'hot', storageClass: 'Standard' },
    ]);
    const op = '<RestoreObject><Days>2</Days><Tier>Standard</Tier></RestoreObject>';
    let r = await runCsvJob(op, [
      ['src', 'cold'],
      ['src', 'hot'],
    ]);
    expect(r.byKey.get('cold')?.slice(3, 6)).toEqual(['succeeded', '', '200']);
    expect(r.byKey.get('hot')?.[3]).toBe('failed');
    expect((await h.store.headObject('src', 'cold'))?.restore?.days).toBe(2);
    r = await runCsvJob(op, [['src', 'cold']]);
    expect(r.byKey.get('cold')?.[3]).toBe('succeeded');
    expect(r.byKey.get('cold')?.[6]).toMatch(/progress/i);
  });
});

describe('manifest kinds', () => {
  it('runs over a key prefix', async () => {
    await h.seed(
      'src',
      [...keys(30, 'p/'), ...keys(5, 'q/')].map((key) => ({ key })),
    );
    const id = await h.createJob({
      operation: TAG_OP,
      prefix: { bucket: 'src', prefix: 'p/' },
      report: REPORT,
      roleArn: role,
    });
    const job = await h.waitFor(id, ['Complete', 'Failed']);
    expect([job.status, job.totalTasks, job.succeededTasks]).toEqual(['Complete', 30, 30]);
    expect((await h.store.headObject('src', 'q/0000'))?.tags).toEqual([]);
    const { rows } = await readReport(h, 'reports', 'r/', id);
    expect(rows.map((r) => decodeURIComponent(r[1] ?? '')).sort()).toEqual(keys(30, 'p/'));
  });

  it('runs over a bucket inventory (gzip data files, URL-encoded keys)', async () => {
    const names = [...keys(12, 'inv/'), 'sp ace/ü'];
    await h.seed(
      'src',
      names.map((key) => ({ key })),
    );
    const q = (...f: string[]): string => f.map((x) => `"${x}"`).join(',');
    const data = [names.slice(0, 6), names.slice(6)].map((part) =>
      gzipSync(part.map((k) => q('src', encodeURIComponent(k), '1')).join('\n') + '\n'),
    );
    const files = [];
    for (const [i, gz] of data.entries()) {
      const key = `inv-dest/src/i1/data/f${i}.csv.gz`;
      await h.putText('src', key, gz);
      files.push({
        key,
        size: gz.length,
        MD5checksum: createHash('md5').update(gz).digest('hex').toUpperCase(),
      });
    }
    const manifestJson = {
      sourceBucket: 'src',
      destinationBucket: 'src',
      fileFormat: 'CSV',
      fileSchema: 'Bucket, Key, Size',
      files,
    };
    await h.putText('src', 'inv-dest/src/i1/2026-01-01T00-00Z/manifest.json', JSON.stringify(manifestJson));
    const id = await h.createJob({
      operation: TAG_OP,
      manifest: {
        bucket: 'src',
        object: 'inv-dest/src/i1/2026-01-01T00-00Z/manifest.json',
        format: 'OSS_InventoryReport_CSV_20250611',
      },
      report: REPORT,
      roleArn: role,
    });
    const job = await h.waitFor(id, ['Complete', 'Failed']);
    expect([job.status, job.totalTasks, job.succeededTasks]).toEqual(['Complete', 13, 13]);
    const { rows } = await readReport(h, 'reports', 'r/', id);
    expect(rows.map((r) => decodeURIComponent(r[1] ?? '')).sort()).toEqual([...names].sort());
    expect((await h.store.headObject('src', 'sp ace/ü'))?.tags).toEqual([{ key: 'k', value: 'v' }]);
  });
});
