import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManifestError } from '../../src/engine/manifest/index.js';
import {
  createEnv,
  csvJob,
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
  await makeBucket(env, 'manifests');
});
afterEach(async () => {
  await env.close();
});

async function failure(p: Promise<unknown>): Promise<ManifestError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ManifestError);
  return e as ManifestError;
}

describe('CSV manifest rows', () => {
  it('reads Bucket,Key rows (default Fields)', async () => {
    await put(env, 'manifests', 'm.csv', 'b1,k1\nb1,dir/k2\nb2,k3\n');
    expect(await planAndRead(env, csvJob(env, 'm.csv'))).toEqual([
      { bucket: 'b1', key: 'k1' },
      { bucket: 'b1', key: 'dir/k2' },
      { bucket: 'b2', key: 'k3' },
    ]);
  });

  it('reads VersionId and treats an empty one as the current version', async () => {
    await put(env, 'manifests', 'm.csv', 'b,k1,v1\nb,k2,\n');
    expect(await planAndRead(env, csvJob(env, 'm.csv', { fields: 'Bucket,Key,VersionId' }))).toEqual([
      { bucket: 'b', key: 'k1', versionId: 'v1' },
      { bucket: 'b', key: 'k2' },
    ]);
  });

  it('skips Ignore columns and honours column order', async () => {
    await put(env, 'manifests', 'm.csv', 'x,k1,b,v1\ny,k2,b,v2\n');
    const j = csvJob(env, 'm.csv', { fields: ' ignore , Key,Bucket,VersionId' });
    expect(await planAndRead(env, j)).toEqual([
      { bucket: 'b', key: 'k1', versionId: 'v1' },
      { bucket: 'b', key: 'k2', versionId: 'v2' },
    ]);
  });

  it('parses quoted fields with commas and "" escapes', async () => {
    await put(env, 'manifests', 'm.csv', '"b","a,b"\nb,"say ""hi"""\n"b","plain"\n');
    expect(await planAndRead(env, csvJob(env, 'm.csv'))).toEqual([
      { bucket: 'b', key: 'a,b' },
      { bucket: 'b', key: 'say "hi"' },
      { bucket: 'b', key: 'plain' },
    ]);
  });

  it('URL-decodes keys with decodeURIComponent semantics (+ stays +)', async () => {
    await put(env, 'manifests', 'm.csv', 'b,a%20b\nb,%E4%B8%AD\nb,a%2Bb\nb,a+b\n');
    const keys = (await planAndRead(env, csvJob(env, 'm.csv'))).map((t) => t.key);
    expect(keys).toEqual(['a b', '中', 'a+b', 'a+b']);
  });

  it('handles CRLF line ends, blank lines, no trailing newline', async () => {
    await put(env, 'manifests', 'm.csv', 'b,k1\r\n\r\nb,k2\r\n\n\nb,k3');
    expect((await planAndRead(env, csvJob(env, 'm.csv'))).map((t) => t.key)).toEqual(['k1', 'k2', 'k3']);
    await put(env, 'manifests', 'n.csv', 'b,k1\r\nb,k2\r\n\r\n\n');
    expect((await planAndRead(env, csvJob(env, 'n.csv'))).map((t) => t.key)).toEqual(['k1', 'k2']);
  });

  it('ignores a UTF-8 byte-order mark opening the file', async () => {
    await put(env, 'manifests', 'm.csv', '\uFEFFb,k1\nb,k2\n');
    expect(await planAndRead(env, csvJob(env, 'm.csv'))).toEqual([
      { bucket: 'b', key: 'k1' },
      { bucket: 'b', key: 'k2' },
    ]);
    await put(env, 'manifests', 'n.csv', '\uFEFF\r\nb,k1\n');
    expect((await planAndRead(env, csvJob(env, 'n.csv'))).map((t) => t.key)).toEqual(['k1']);
  });

  it('plans an empty manifest as 0 tasks and no chunks', async () => {
    await put(env, 'manifests', 'm.csv', '\n\n');
    expect(await plan(env, csvJob(env, 'm.csv'), 10)).toEqual({ totalTasks: 0, chunks: [] });
  });
});

describe('CSV chunking', () => {
  const tenRows = Array.from({ length: 10 }, (_, i) => `b,key-${i}`).join('\n') + '\n';

  it('cuts 10 rows into 4 chunks of 3 and reads every task exactly once', async () => {
    await put(env, 'manifests', 'm.csv', tenRows.replace('b,key-4\n', 'b,key-4\n\n'));
    const j = csvJob(env, 'm.csv');
    const { totalTasks, chunks } = await plan(env, j, 3);
    expect(totalTasks).toBe(10);
    expect(chunks.map((c) => [c.index, c.firstTask, c.taskCount])).toEqual([
      [0, 0, 3],
      [1, 3, 3],
      [2, 6, 3],
      [3, 9, 1],
    ]);
    const keys: string[] = [];
    for (const c of chunks) {
      const batches = await readAll(env, j, c, 0, 2);
      expect(batches.every((b) => b.length <= 2)).toBe(true);
      keys.push(...batches.flat().map((t) => t.key));
    }
    expect(keys).toEqual(Array.from({ length: 10 }, (_, i) => `key-${i}`));
  });

  it('resumes a chunk after `skip` tasks', async () => {
    await put(env, 'manifests', 'm.csv', tenRows);
    const j = csvJob(env, 'm.csv');
    const { chunks } = await plan(env, j, 3);
    const second = chunks[1];
    if (!second) throw new Error('no chunk 1');
    expect((await readAll(env, j, second, 2, 10)).flat().map((t) => t.key)).toEqual(['key-5']);
    expect(await readAll(env, j, second, 3, 10)).toEqual([]);
  });

  it('plans a 200k-row manifest streaming (counts and chunk bounds)', async () => {
    const rows = 200_000;
    const body = Buffer.from(
      Array.from({ length: rows }, (_, i) => `bucket-a,some/prefix/object-${i}.dat`).join('\n'),
    );
    await put(env, 'manifests', 'big.csv', body);
    const j = csvJob(env, 'big.csv');
    const { totalTasks, chunks } = await plan(env, j, 5000);
    expect(totalTasks).toBe(rows);
    expect(chunks).toHaveLength(40);
    expect(chunks.every((c) => c.taskCount === 5000)).toBe(true);
    const last = chunks[39];
    if (!last) throw new Error('no last chunk');
    const tasks = (await readAll(env, j, last)).flat();
    expect(tasks).toHaveLength(5000);
    expect(tasks[0]?.key).toBe('some/prefix/object-195000.dat');
    expect(tasks.at(-1)?.key).toBe('some/prefix/object-199999.dat');
  });

  it('plans and reads rows cut by the reused read buffer of the store, quoted and percent-encoded ones too', async () => {
    // Varied line lengths put line ends, quotes and escapes at different offsets of every 64 KiB read, so
    // a line carried over a read boundary must be copied before the buffer is read into again.
    const rows: string[] = [];
    const keys: string[] = [];
    for (let i = 0, bytes = 0; bytes < 400_000; i++) {
      const key = `dir-${i % 7}/${'k'.repeat(i % 97)}-${i}${i % 5 === 0 ? ' a,b' : ''}${i % 3 === 0 ? '%' : ''}`;
      keys.push(key);
      const field = key.replace(/%/g, '%25');
      rows.push(i % 5 === 0 ? `b,"${field.replace(/"/g, '""')}"` : `b,${field}`);
      bytes += (rows.at(-1)?.length ?? 0) + 1;
    }
    await put(env, 'manifests', 'm.csv', rows.join('\n') + '\n');
    const tasks = await planAndRead(env, csvJob(env, 'm.csv'), 777);
    expect(tasks.map((t) => t.key)).toEqual(keys);
  });

  it('carries a line cut across stream chunks (lines longer than 64 KiB buffers)', async () => {
    const long = 'x'.repeat(70_000);
    await put(env, 'manifests', 'm.csv', `b,${long}1\nb,${long}2\nb,k3\n`);
    const tasks = await planAndRead(env, csvJob(env, 'm.csv'), 2);
    expect(tasks.map((t) => t.key.length)).toEqual([70_001, 70_001, 2]);
  });
});

describe('CSV manifest failures', () => {
  it('fails ManifestETagMismatch, accepts a matching ETag in any case with quotes', async () => {
    await put(env, 'manifests', 'm.csv', 'b,k\n');
    const meta = await env.store.headObject('manifests', 'm.csv');
    await expect(
      plan(env, csvJob(env, 'm.csv', { etag: `"${meta?.etag.toLowerCase()}"` }), 10),
    ).resolves.toMatchObject({ totalTasks: 1 });
    const e = await failure(
      plan(env, csvJob(env, 'm.csv', { etag: 'D41D8CD98F00B204E9800998ECF8427E' }), 10),
    );
    expect(e.failureCode).toBe('ManifestETagMismatch');
  });

  it('fails NoSuchVersion for a version that is not current', async () => {
    await put(env, 'manifests', 'm.csv', 'b,k\n');
    const meta = await env.store.headObject('manifests', 'm.csv');
    await expect(plan(env, csvJob(env, 'm.csv', { versionId: meta?.versionId }), 10)).resolves.toMatchObject({
      totalTasks: 1,
    });
    expect((await failure(plan(env, csvJob(env, 'm.csv', { versionId: 'nope' }), 10))).failureCode).toBe(
      'NoSuchVersion',
    );
  });

  it('fails NoSuchKey / NoSuchBucket for a missing manifest', async () => {
    expect((await failure(plan(env, csvJob(env, 'absent.csv'), 10))).failureCode).toBe('NoSuchKey');
    const j = csvJob(env, 'm.csv');
    const other = { ...j, spec: { ...j.spec, manifest: { ...j.spec.manifest!, bucket: 'no-such-bucket' } } };
    expect((await failure(plan(env, other, 10))).failureCode).toBe('NoSuchBucket');
  });

  it('fails AccessDenied when the role may not GetObject (or does not exist)', async () => {
    await put(env, 'manifests', 'm.csv', 'b,k\n');
    expect(
      (await failure(plan(env, csvJob(env, 'm.csv', { roleArn: env.bareRoleArn }), 10))).failureCode,
    ).toBe('AccessDenied');
    const ghost = `acs:ram::${env.iam.accountId}:role/ghost`;
    expect((await failure(plan(env, csvJob(env, 'm.csv', { roleArn: ghost }), 10))).failureCode).toBe(
      'AccessDenied',
    );
  });

  it.each([
    ['b,k1\nb,k2,extra\n', 2, 'expected 2 column'],
    ['b,k1\n\nb\n', 3, 'expected 2 column'],
    ['b,k1\n,k2\n', 2, 'empty Bucket'],
    ['b,k1\r\nb,\r\n', 2, 'empty Key'],
    ['b,k1\nb,k2\nb,bad%zzkey\n', 3, 'percent-encoding'],
    ['b,k1\nb,%E4%B8\n', 2, 'percent-encoding'],
    ['b,"unterminated\n', 1, 'unterminated'],
    ['b,"a"x\n', 1, 'after a closing quote'],
    ['b,"a,b",c\n', 1, 'expected 2 column'],
  ])('fails InvalidManifest with the line number for %j', async (body, line, why) => {
    await put(env, 'manifests', 'm.csv', body);
    const e = await failure(plan(env, csvJob(env, 'm.csv'), 10));
    expect(e.failureCode).toBe('InvalidManifest');
    expect(e.message).toContain(`line ${line}`);
    expect(e.message).toContain(why);
  });

  it('refuses Fields without Key', async () => {
    await put(env, 'manifests', 'm.csv', 'b,k\n');
    expect(
      (await failure(plan(env, csvJob(env, 'm.csv', { fields: 'Bucket,VersionId' }), 10))).failureCode,
    ).toBe('InvalidManifest');
  });

  it('refuses to read a chunk after the manifest object changed', async () => {
    await put(env, 'manifests', 'm.csv', 'b,k1\nb,k2\n');
    const j = csvJob(env, 'm.csv');
    const { chunks } = await plan(env, j, 10);
    await put(env, 'manifests', 'm.csv', 'b,other\n');
    const e = await failure(readAll(env, j, chunks[0]!));
    expect(e.failureCode).toBe('InvalidManifest');
  });
});
