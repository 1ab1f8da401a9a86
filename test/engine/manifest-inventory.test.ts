import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManifestError } from '../../src/engine/manifest/index.js';
import type { JobRecord } from '../../src/jobs/model.js';
import {
  createEnv,
  job,
  makeBucket,
  plan,
  planAndRead,
  put,
  readAll,
  type ManifestEnv,
} from './manifest-env.js';

let env: ManifestEnv;
beforeEach(async () => {
  env = await createEnv();
  await makeBucket(env, 'inv');
});
afterEach(async () => {
  await env.close();
});

const SCHEMA = 'Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, StorageClass, LastModifiedDate, ETag';
const PREFIX = 'dest/src/inv1';
const q = (...fields: string[]): string => fields.map((f) => `"${f.replace(/"/g, '""')}"`).join(',');
const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex');

const FILE1 =
  [
    q('src', 'a%20b', 'v1', 'true', 'false', '10', 'Standard', '2026-01-01T00:00:00.000Z', 'E1'),
    q('src', 'deleted', 'v2', 'true', 'true', '0', 'Standard', '2026-01-01T00:00:00.000Z', ''),
    q('src', '%E4%B8%AD', 'v3', 'true', 'false', '10', 'Standard', '2026-01-01T00:00:00.000Z', 'E3'),
    q('src', 'a,b', 'v4', 'true', 'FALSE', '10', 'Standard', '2026-01-01T00:00:00.000Z', 'E4'),
  ].join('\n') + '\n';
const FILE2 = Array.from({ length: 5 }, (_, i) =>
  q('src', `dir/k${i}`, `w${i}`, 'true', 'false', '1', 'IA', 'x', 'y'),
).join('\r\n');

async function writeInventory(opts: { badMd5?: boolean; manifestText?: string } = {}): Promise<JobRecord> {
  const gz1 = gzipSync(FILE1);
  const gz2 = gzipSync(FILE2);
  await put(env, 'inv', `${PREFIX}/data/one.csv.gz`, gz1);
  await put(env, 'inv', `${PREFIX}/data/one-1.csv.gz`, gz2);
  const manifest =
    opts.manifestText ??
    JSON.stringify({
      creationTimestamp: '1642994594',
      destinationBucket: 'inv',
      FileFormat: 'csv',
      fileSchema: SCHEMA,
      files: [
        { key: `${PREFIX}/data/one.csv.gz`, size: gz1.length, MD5checksum: md5(gz1).toUpperCase() },
        {
          Key: `${PREFIX}/data/one-1.csv.gz`,
          size: gz2.length,
          md5Checksum: opts.badMd5 ? md5(gz1) : md5(gz2),
        },
      ],
      sourceBucket: 'src',
      version: '2019-09-01',
    });
  await put(env, 'inv', `${PREFIX}/2026-01-01T00-00Z/manifest.json`, manifest);
  return job({
    roleArn: env.roleArn,
    manifest: {
      bucket: 'inv',
      object: `${PREFIX}/2026-01-01T00-00Z/manifest.json`,
      format: 'OSS_InventoryReport_CSV_20250611',
    },
  });
}

async function failure(p: Promise<unknown>): Promise<ManifestError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ManifestError);
  return e as ManifestError;
}

describe('inventory manifest', () => {
  it('reads two gzip data files, decodes keys, keeps versions, skips delete markers', async () => {
    const tasks = await planAndRead(env, await writeInventory());
    expect(tasks).toEqual([
      { bucket: 'src', key: 'a b', versionId: 'v1' },
      { bucket: 'src', key: '中', versionId: 'v3' },
      { bucket: 'src', key: 'a,b', versionId: 'v4' },
      ...Array.from({ length: 5 }, (_, i) => ({ bucket: 'src', key: `dir/k${i}`, versionId: `w${i}` })),
    ]);
  });

  it('cuts chunks per data file and resumes with skip', async () => {
    const j = await writeInventory();
    const { totalTasks, chunks } = await plan(env, j, 2);
    expect(totalTasks).toBe(8);
    expect(chunks.map((c) => [c.firstTask, c.taskCount])).toEqual([
      [0, 2],
      [2, 1],
      [3, 2],
      [5, 2],
      [7, 1],
    ]);
    const fourth = chunks[3];
    if (!fourth) throw new Error('no chunk 3');
    expect((await readAll(env, j, fourth)).flat().map((t) => t.key)).toEqual(['dir/k2', 'dir/k3']);
    expect((await readAll(env, j, fourth, 1)).flat().map((t) => t.key)).toEqual(['dir/k3']);
  });

  it('fails InvalidManifest when a data file MD5 does not match', async () => {
    const e = await failure(plan(env, await writeInventory({ badMd5: true }), 10));
    expect(e.failureCode).toBe('InvalidManifest');
    expect(e.message).toContain('one-1.csv.gz');
    expect(e.message).toContain('MD5');
  });

  it.each([
    ['not json', 'not JSON'],
    ['[]', 'not a JSON object'],
    [JSON.stringify({ fileFormat: 'ORC', fileSchema: 'Bucket,Key', files: [] }), 'not CSV'],
    [JSON.stringify({ fileSchema: 'Bucket,Size', files: [] }), 'Bucket and Key'],
    [JSON.stringify({ fileSchema: 'Bucket,Key' }), 'files[] missing'],
    [JSON.stringify({ fileSchema: 'Bucket,Key', files: [{ key: 'x', MD5checksum: 'zz' }] }), 'MD5checksum'],
  ])('fails InvalidManifest for manifest.json %s', async (text, why) => {
    const e = await failure(plan(env, await writeInventory({ manifestText: text }), 10));
    expect(e.failureCode).toBe('InvalidManifest');
    expect(e.message).toContain(why);
  });

  it('fails NoSuchKey when a listed data file is missing, and checks the manifest ETag', async () => {
    const missing = JSON.stringify({
      fileSchema: 'Bucket,Key',
      files: [{ key: 'gone.csv.gz', MD5checksum: '0'.repeat(32) }],
    });
    expect((await failure(plan(env, await writeInventory({ manifestText: missing }), 10))).failureCode).toBe(
      'NoSuchKey',
    );
    const j = await writeInventory();
    const withEtag = { ...j, spec: { ...j.spec, manifest: { ...j.spec.manifest!, etag: '0'.repeat(32) } } };
    expect((await failure(plan(env, withEtag, 10))).failureCode).toBe('ManifestETagMismatch');
  });

  it('fails InvalidManifest for a data file that is not gzip', async () => {
    const raw = Buffer.from('"src","k"\n');
    await put(env, 'inv', 'plain.csv.gz', raw);
    const text = JSON.stringify({
      fileSchema: 'Bucket,Key',
      files: [{ key: 'plain.csv.gz', MD5checksum: md5(raw) }],
    });
    const e = await failure(plan(env, await writeInventory({ manifestText: text }), 10));
    expect(e.failureCode).toBe('InvalidManifest');
    expect(e.message).toContain('gzip');
  });
});
