import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { wireVersionId } from '../../src/store/version-ids.js';
import type { VersionLookup } from '../../src/store/versioning.js';
import { createHarness, readReport, TAG_OP, type Harness } from './harness.js';

let h: Harness;
let role: string;
beforeEach(async () => {
  h = await createHarness({ chunkSize: 3 });
  await h.bucket('src');
  await h.bucket('reports');
  await h.store.setBucketVersioning('src', 'Enabled');
  role = await h.role('batch');
});
afterEach(async () => {
  await h.close();
});

const put = async (key: string, text: string): Promise<string> =>
  (await h.store.putObject({ bucket: 'src', key, body: Readable.from([Buffer.from(text)]) })).versionId;
const tagsOf = (l: VersionLookup): unknown => (l.kind === 'object' ? l.meta.tags : l.kind);
const REPORT = { bucket: 'reports', prefix: 'r/' };

async function run(manifestKey: string, format?: string, fields?: string) {
  const id = await h.createJob({
    operation: TAG_OP,
    manifest: {
      bucket: 'reports',
      object: manifestKey,
      ...(format ? { format } : {}),
      ...(fields ? { fields } : {}),
    },
    report: REPORT,
    roleArn: role,
  });
  const job = await h.waitFor(id, ['Complete', 'Failed']);
  return { job, ...(await readReport(h, 'reports', 'r/', id)) };
}

describe('batch jobs over versioned objects', () => {
  it('a CSV row with a VersionId acts on exactly that version; the report records it; a missing one fails NoSuchVersion', async () => {
    const a1 = await put('a', '1');
    const a2 = await put('a', '2');
    const b1 = await put('b', '1');
    await h.store.deleteVersion('src', 'b', undefined); // b's newest is now a delete marker
    const rows = [
      ['src', 'a', a1],
      ['src', 'b', b1],
      ['src', 'a', 'CAEQdoesnotexist'],
      ['src', 'c', 'CAEQdoesnotexist'],
    ];
    await h.putText('reports', 'm.csv', rows.map((r) => r.join(',')).join('\n') + '\n');
    const r = await run('m.csv', undefined, 'Bucket,Key,VersionId');
    expect([r.job.status, r.job.succeededTasks, r.job.failedTasks]).toEqual(['Complete', 2, 2]);
    expect(tagsOf(await h.store.headVersion('src', 'a', a1))).toEqual([{ key: 'k', value: 'v' }]);
    expect(tagsOf(await h.store.headVersion('src', 'a', a2))).toEqual([]);
    expect(tagsOf(await h.store.headVersion('src', 'b', b1))).toEqual([{ key: 'k', value: 'v' }]);
    const got = r.rows.map((x) => [x[1], x[2], x[3], x[4]]).sort();
    expect(got).toEqual(
      [
        ['a', a1, 'succeeded', ''],
        ['a', 'CAEQdoesnotexist', 'failed', 'NoSuchVersion'],
        ['b', b1, 'succeeded', ''],
        ['c', 'CAEQdoesnotexist', 'failed', 'NoSuchKey'],
      ].sort(),
    );
  });

  it('an inventory manifest with VersionId (all versions) tags each listed version and skips delete markers', async () => {
    const v1 = await put('k', 'old');
    const v2 = await put('k', 'new');
    const marker = await h.store.deleteVersion('src', 'gone', undefined);
    const q = (...f: string[]): string => f.map((x) => `"${x}"`).join(',');
    const gz = gzipSync(
      [
        q('src', 'k', wireVersionId(v1), 'false', 'false'),
        q('src', 'gone', marker.versionId ?? '', 'true', 'true'),
        q('src', 'k', wireVersionId(v2), 'true', 'false'),
      ].join('\n') + '\n',
    );
    await h.putText('reports', 'inv/src/i/data/d.csv.gz', gz);
    const md5 = createHash('md5').update(gz).digest('hex').toUpperCase();
    const manifest = {
      sourceBucket: 'src',
      destinationBucket: 'reports',
      fileFormat: 'CSV',
      fileSchema: 'Bucket, Key, VersionId, IsLatest, IsDeleteMarker',
      files: [{ key: 'inv/src/i/data/d.csv.gz', size: gz.length, MD5checksum: md5 }],
    };
    await h.putText('reports', 'inv/src/i/2026-01-01T00-00Z/manifest.json', JSON.stringify(manifest));
    const r = await run('inv/src/i/2026-01-01T00-00Z/manifest.json', 'OSS_InventoryReport_CSV_20250611');
    expect([r.job.status, r.job.totalTasks, r.job.succeededTasks]).toEqual(['Complete', 2, 2]);
    expect(r.rows.map((x) => x[2]).sort()).toEqual([v1, v2].sort());
    expect(tagsOf(await h.store.headVersion('src', 'k', v1))).toEqual([{ key: 'k', value: 'v' }]);
    expect(tagsOf(await h.store.headVersion('src', 'k', v2))).toEqual([{ key: 'k', value: 'v' }]);
  });
});
