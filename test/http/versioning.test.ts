import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createUserWithPolicy,
  jobRequest,
  rawRequest,
  startTestServer,
  type LooseOss,
  type TestServer,
} from '../helpers/server.js';

interface OssErr {
  code: string;
  status: number;
  headers?: Record<string, string>;
}
const failure = (p: Promise<unknown>): Promise<OssErr> =>
  p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: OssErr) => e,
  );
const text = async (c: LooseOss, key: string, versionId?: string): Promise<string> =>
  ((await c.get(key, versionId === undefined ? {} : { versionId })).content as Buffer).toString();

describe.each([false, true])('object versioning over the wire (v4=%s)', (v4) => {
  let ts: TestServer;
  let n = 0;
  const fresh = async (): Promise<{ c: LooseOss; bucket: string }> => {
    const bucket = `ver-${v4 ? 'v4' : 'v1'}-${(n += 1)}`;
    await ts.anyClient({ v4 }).putBucket(bucket);
    return { c: ts.anyClient({ v4, bucket }), bucket };
  };
  beforeAll(async () => {
    ts = await startTestServer();
  });
  afterAll(async () => {
    await ts.close();
  });

  it('puts and gets the versioning status (none, Enabled, Suspended)', async () => {
    const { c, bucket } = await fresh();
    expect((await c.getBucketVersioning(bucket)).versionStatus).toBeUndefined();
    await c.putBucketVersioning(bucket, 'Enabled');
    expect((await c.getBucketVersioning(bucket)).versionStatus).toBe('Enabled');
    await c.putBucketVersioning(bucket, 'Suspended');
    expect((await c.getBucketVersioning(bucket)).versionStatus).toBe('Suspended');
    expect((await c.getBucketInfo(bucket)).bucket.Versioning).toBe('Suspended');
    const bad = await failure(
      c.request({
        method: 'PUT',
        bucket,
        subres: { versioning: '' },
        content: '<VersioningConfiguration><Status>Off</Status></VersioningConfiguration>',
        mime: 'xml',
        successStatuses: [200],
      }),
    );
    expect([bad.status, bad.code]).toEqual([400, 'MalformedXML']);
  });

  it('keeps every version, reads each by versionId, and lists them newest first', async () => {
    const { c, bucket } = await fresh();
    await c.put('before', Buffer.from('pre-versioning'));
    await c.putBucketVersioning(bucket, 'Enabled');
    const v1 = (await c.put('k', Buffer.from('one'))).res.headers['x-oss-version-id'] as string;
    const v2 = (await c.put('k', Buffer.from('two'))).res.headers['x-oss-version-id'] as string;
    expect(v1).toMatch(/^CAEQ/);
    expect(v2).not.toBe(v1);
    expect(await text(c, 'k')).toBe('two');
    expect(await text(c, 'k', v1)).toBe('one');
    const head = await c.head('k', { versionId: v1 });
    expect(head.res.headers['x-oss-version-id']).toBe(v1);
    expect(head.res.headers['content-length']).toBe('3');
    await c.put('before', Buffer.from('after'));
    expect(await text(c, 'before', 'null')).toBe('pre-versioning');
    const listed = await c.getBucketVersions({});
    expect(
      listed.objects.map((o: { name: string; versionId: string; isLatest: boolean }) => [
        o.name,
        o.versionId,
        o.isLatest,
      ]),
    ).toEqual([
      ['before', expect.stringMatching(/^CAEQ/), true],
      ['before', 'null', false],
      ['k', v2, true],
      ['k', v1, false],
    ]);
    // Current-only listing is unchanged.
    expect((await c.list({})).objects.map((o: { name: string }) => o.name)).toEqual(['before', 'k']);
    // x-oss-forbid-overwrite does not apply once versioning is on: the old version is kept anyway.
    await c.put('k', Buffer.from('three'), { headers: { 'x-oss-forbid-overwrite': 'true' } });
    expect(await text(c, 'k', v2)).toBe('two');
    const missing = await failure(c.get('k', { versionId: 'CAEQnotthere' }));
    expect([missing.status, missing.code]).toEqual([404, 'NoSuchVersion']);
  });

  it('delete writes a delete marker; GET/HEAD 404 with x-oss-delete-marker; deleting the marker restores', async () => {
    const { c, bucket } = await fresh();
    await c.putBucketVersioning(bucket, 'Enabled');
    const v1 = (await c.put('gone', Buffer.from('data'))).res.headers['x-oss-version-id'] as string;
    const del = await c.delete('gone');
    expect(del.res.status).toBe(204);
    expect(del.res.headers['x-oss-delete-marker']).toBe('true');
    const marker = del.res.headers['x-oss-version-id'] as string;
    expect(marker).toMatch(/^CAEQ/);
    const get = await failure(c.get('gone'));
    expect([get.status, get.code]).toEqual([404, 'NoSuchKey']);
    const head = await failure(c.head('gone'));
    expect(head.status).toBe(404);
    expect((await c.list({})).objects ?? []).toHaveLength(0);
    expect(await text(c, 'gone', v1)).toBe('data');
    const versions = await c.getBucketVersions({});
    expect(
      versions.deleteMarker.map((d: { name: string; versionId: string }) => [d.name, d.versionId]),
    ).toEqual([['gone', marker]]);
    expect(versions.objects.map((o: { isLatest: boolean }) => o.isLatest)).toEqual([false]);
    const undo = await c.delete('gone', { versionId: marker });
    expect(undo.res.headers['x-oss-delete-marker']).toBe('true');
    expect(undo.res.headers['x-oss-version-id']).toBe(marker);
    expect(await text(c, 'gone')).toBe('data');
    // Deleting the only version for good leaves nothing, and the bucket can go.
    await c.delete('gone', { versionId: v1 });
    expect((await c.getBucketVersions({})).objects).toEqual([]);
    await ts.anyClient({ v4 }).deleteBucket(bucket);
  });

  it('raw GET on a delete marker sends its headers; a bucket with versions is not empty', async () => {
    const { c, bucket } = await fresh();
    await c.putBucketVersioning(bucket, 'Enabled');
    await c.put('x', Buffer.from('x'));
    const marker = (await c.delete('x')).res.headers['x-oss-version-id'] as string;
    const res = await c.request({ method: 'GET', bucket, object: 'x', successStatuses: [404] });
    expect(res.res.headers['x-oss-delete-marker']).toBe('true');
    expect(res.res.headers['x-oss-version-id']).toBe(marker);
    const byId = await c.request({
      method: 'GET',
      bucket,
      object: 'x',
      subres: { versionId: marker },
      successStatuses: [404],
    });
    expect(byId.res.headers['x-oss-delete-marker']).toBe('true');
    const notEmpty = await failure(ts.anyClient({ v4 }).deleteBucket(bucket));
    expect([notEmpty.status, notEmpty.code]).toEqual([409, 'BucketNotEmpty']);
  });

  it('Suspended writes and deletes replace the null version only', async () => {
    const { c, bucket } = await fresh();
    await c.putBucketVersioning(bucket, 'Enabled');
    const kept = (await c.put('s', Buffer.from('kept'))).res.headers['x-oss-version-id'] as string;
    await c.putBucketVersioning(bucket, 'Suspended');
    const put1 = await c.put('s', Buffer.from('null-1'));
    expect(put1.res.headers['x-oss-version-id']).toBe('null');
    await c.put('s', Buffer.from('null-2'));
    const ids = (await c.getBucketVersions({})).objects.map((o: { versionId: string }) => o.versionId);
    expect(ids).toEqual(['null', kept]);
    expect(await text(c, 's', 'null')).toBe('null-2');
    const del = await c.delete('s');
    expect([del.res.headers['x-oss-delete-marker'], del.res.headers['x-oss-version-id']]).toEqual([
      'true',
      'null',
    ]);
    const after = await c.getBucketVersions({});
    expect(after.objects.map((o: { versionId: string }) => o.versionId)).toEqual([kept]);
    expect(after.deleteMarker.map((d: { versionId: string }) => d.versionId)).toEqual(['null']);
    expect(await text(c, 's', kept)).toBe('kept');
  });

  it('pages ListObjectVersions with key-marker / version-id-marker, prefix, delimiter and url encoding', async () => {
    const { c, bucket } = await fresh();
    await c.putBucketVersioning(bucket, 'Enabled');
    const all: [string, string][] = [];
    for (const key of ['a', 'b c', 'dir/x', 'dir/y', 'z']) {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++)
        ids.push((await c.put(key, Buffer.from(`${key}${i}`))).res.headers['x-oss-version-id'] as string);
      for (const id of ids.reverse()) all.push([key, id]);
    }
    await c.delete('z');
    const seen: [string, string][] = [];
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    for (let pages = 0; pages < 20; pages++) {
      const page = await c.getBucketVersions({
        maxKeys: 4,
        ...(keyMarker ? { keyMarker } : {}),
        ...(versionIdMarker ? { versionIdMarker } : {}),
      });
      const entries = [
        ...page.objects.map((o: { name: string; versionId: string; lastModified: string }) => o),
        ...page.deleteMarker,
      ];
      expect(entries.length).toBeLessThanOrEqual(4);
      for (const o of page.objects) seen.push([o.name, o.versionId]);
      if (!page.isTruncated) break;
      keyMarker = page.nextKeyMarker;
      versionIdMarker = page.nextVersionIdMarker;
    }
    expect(seen).toEqual(all);
    const grouped = await c.listObjectVersions({ delimiter: '/' }); // ali-oss's other name for it
    expect(grouped.prefixes).toEqual(['dir/']);
    const underDir = await c.getBucketVersions({ prefix: 'dir/', maxKeys: 100 });
    expect(underDir.objects).toHaveLength(6);
    const enc = await c.request({
      method: 'GET',
      bucket,
      subres: { versions: '' },
      query: { 'encoding-type': 'url', prefix: 'b c' },
      successStatuses: [200],
      xmlResponse: true,
    });
    expect(enc.data.EncodingType).toBe('url');
    expect([enc.data.Version].flat()[0].Key).toBe('b%20c');
    const lonely = await failure(
      c.request({
        method: 'GET',
        bucket,
        subres: { versions: '' },
        query: { 'version-id-marker': 'x' },
        successStatuses: [200],
      }),
    );
    expect([lonely.status, lonely.code]).toEqual([400, 'InvalidArgument']);
  });

  it('tagging, ACL and restore address one version; copy reads a given source version', async () => {
    const { c, bucket } = await fresh();
    await c.putBucketVersioning(bucket, 'Enabled');
    const old = (await c.put('t', Buffer.from('old'), { headers: { 'x-oss-storage-class': 'Archive' } })).res
      .headers['x-oss-version-id'] as string;
    const cur = (await c.put('t', Buffer.from('new'))).res.headers['x-oss-version-id'] as string;
    const put = await c.putObjectTagging('t', { a: '1' }, { versionId: old });
    expect(put.status).toBe(200);
    expect((await c.getObjectTagging('t', { versionId: old })).tag).toEqual({ a: '1' });
    expect((await c.getObjectTagging('t')).tag).toEqual({});
    await c.deleteObjectTagging('t', { versionId: old });
    expect((await c.getObjectTagging('t', { versionId: old })).tag).toEqual({});
    await c.putACL('t', 'public-read', { versionId: old });
    expect((await c.getACL('t', { versionId: old })).acl).toBe('public-read');
    expect((await c.getACL('t')).acl).toBe('default');
    const restored = await c.restore('t', { versionId: old });
    expect(restored.res.status).toBe(202);
    const nope = await failure(c.restore('t', { versionId: cur }));
    expect(nope.code).toBe('OperationNotSupported');
    await c.putObjectTagging('t', { b: '2' }, { versionId: cur });
    const copy = await c.copy('copied', 't', bucket, { versionId: cur });
    expect(copy.res.headers['x-oss-copy-source-version-id']).toBe(cur);
    expect(await text(c, 'copied')).toBe('new');
    expect((await c.getObjectTagging('copied')).tag).toEqual({ b: '2' });
    const bad = await failure(c.copy('copied2', 't', bucket, { versionId: 'CAEQnope' }));
    expect([bad.status, bad.code]).toEqual([404, 'NoSuchVersion']);
    const tagMissing = await failure(c.getObjectTagging('t', { versionId: 'CAEQnope' }));
    expect(tagMissing.code).toBe('NoSuchVersion');
  });

  it('deleteMulti removes given versions and writes delete markers for plain keys', async () => {
    const { c, bucket } = await fresh();
    await c.putBucketVersioning(bucket, 'Enabled');
    const a1 = (await c.put('a', Buffer.from('1'))).res.headers['x-oss-version-id'] as string;
    const a2 = (await c.put('a', Buffer.from('2'))).res.headers['x-oss-version-id'] as string;
    await c.put('b', Buffer.from('b'));
    const res = await c.deleteMulti([{ key: 'a', versionId: a2 }, 'b']);
    const byKey = new Map(res.deleted.map((d: { Key: string }) => [d.Key, d]));
    expect(byKey.get('a')).toMatchObject({ Key: 'a', VersionId: a2 });
    expect(byKey.get('b')).toMatchObject({
      DeleteMarker: 'true',
      DeleteMarkerVersionId: expect.stringMatching(/^CAEQ/),
    });
    expect(await text(c, 'a')).toBe('1');
    expect((await c.head('a')).res.headers['x-oss-version-id']).toBe(a1);
    expect((await failure(c.get('b'))).status).toBe(404);
  });

  it('authorises version access with the version actions (oss:GetObjectVersion, oss:DeleteObjectVersion)', async () => {
    const { c, bucket } = await fresh();
    await c.putBucketVersioning(bucket, 'Enabled');
    const v1 = (await c.put('p', Buffer.from('1'))).res.headers['x-oss-version-id'] as string;
    await c.put('p', Buffer.from('2'));
    const user = await createUserWithPolicy(ts, `ver-reader-${v4 ? '4' : '1'}`, {
      Version: '1',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['oss:GetObject', 'oss:DeleteObject'],
          Resource: `acs:oss:*:*:${bucket}/*`,
        },
      ],
    });
    const u = ts.anyClient({ v4, bucket, accessKeyId: user.accessKeyId, secret: user.secret });
    expect(await text(u, 'p')).toBe('2');
    expect((await failure(u.get('p', { versionId: v1 }))).code).toBe('AccessDenied');
    expect((await failure(u.delete('p', { versionId: v1 }))).code).toBe('AccessDenied');
    const both = await createUserWithPolicy(ts, `ver-all-${v4 ? '4' : '1'}`, {
      Version: '1',
      Statement: [{ Effect: 'Allow', Action: ['oss:GetObjectVersion'], Resource: `acs:oss:*:*:${bucket}/*` }],
    });
    const b = ts.anyClient({ v4, bucket, accessKeyId: both.accessKeyId, secret: both.secret });
    expect(await text(b, 'p', v1)).toBe('1');
    // A public-read version is readable anonymously by id, as the current one is; a private one is not.
    await c.putACL('p', 'public-read', { versionId: v1 });
    const anon = await rawRequest(ts.url, { path: `/${bucket}/p?versionId=${v1}` });
    expect([anon.status, anon.text, anon.headers['x-oss-version-id']]).toEqual([200, '1', v1]);
    expect((await rawRequest(ts.url, { path: `/${bucket}/p` })).status).toBe(403);
  });

  it('a job manifest with Location/VersionId is read at that (older) version', async () => {
    const { c, bucket } = await fresh();
    await c.putBucketVersioning(bucket, 'Enabled');
    await c.put('a', Buffer.from('a'));
    await c.put('b', Buffer.from('b'));
    const old = (await c.put('m.csv', Buffer.from(`${bucket},a\n`))).res.headers[
      'x-oss-version-id'
    ] as string;
    await c.put('m.csv', Buffer.from(`${bucket},b\n`));
    const roleName = `ManifestRole${v4 ? 4 : 1}`;
    const role = await ts.server.iamAdmin.createRole({
      roleName,
      assumeRolePolicyDocument: JSON.stringify({
        Version: '1',
        Statement: [
          { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: ['oss.aliyuncs.com'] } },
        ],
      }),
    });
    await ts.server.iamAdmin.createPolicy({
      policyName: `${roleName}-p`,
      policyDocument: JSON.stringify({
        Version: '1',
        Statement: [{ Effect: 'Allow', Action: ['oss:*'], Resource: ['acs:oss:*:*:*'] }],
      }),
    });
    await ts.server.iamAdmin.attachPolicyToRole(`${roleName}-p`, roleName);
    const body = (versionId: string): string =>
      '<?xml version="1.0" encoding="UTF-8"?><CreateJobRequest><ConfirmationRequired>false</ConfirmationRequired>' +
      '<Operation><PutObjectTagging><TagSet><Tag><Key>m</Key><Value>old</Value></Tag></TagSet></PutObjectTagging></Operation>' +
      '<Report><Enabled>false</Enabled></Report>' +
      `<Manifest><Location><Bucket>${bucket}</Bucket><Object>m.csv</Object><VersionId>${versionId}</VersionId></Location>` +
      '<Spec><Format>OSS_BatchOperations_CSV_20250611</Format><Fields>Bucket,Key</Fields></Spec></Manifest>' +
      `<Priority>1</Priority><RoleArn>${role.Arn}</RoleArn></CreateJobRequest>`;
    const missing = await failure(jobRequest(ts.client({ v4 }), 'CreateJob', { body: body('CAEQnope') }));
    expect([missing.status, missing.code]).toEqual([404, 'NoSuchVersion']);
    const jobId = (await jobRequest(ts.client({ v4 }), 'CreateJob', { body: body(old) })).data
      .JobId as string;
    let status = '';
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && status !== 'Complete' && status !== 'Failed') {
      const job = (await jobRequest(ts.client({ v4 }), 'DescribeJob', { jobId })).data.Job as {
        Status: string;
      };
      status = job.Status;
      if (status !== 'Complete') await new Promise((r) => setTimeout(r, 25));
    }
    expect(status).toBe('Complete');
    expect((await c.getObjectTagging('a')).tag).toEqual({ m: 'old' });
    expect((await c.getObjectTagging('b')).tag).toEqual({});
  });

  it('a multipart upload completes into a new version like PutObject', async () => {
    const { c, bucket } = await fresh();
    await c.putBucketVersioning(bucket, 'Enabled');
    const first = (await c.put('mp', Buffer.from('plain'))).res.headers['x-oss-version-id'] as string;
    await c.multipartUpload('mp', Buffer.alloc(150 * 1024, 7), { partSize: 100 * 1024 });
    const ids = (await c.getBucketVersions({})).objects.map((o: { versionId: string }) => o.versionId);
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBe(first);
    expect(ids[0]).toMatch(/^CAEQ/);
    expect(await text(c, 'mp', first)).toBe('plain');
    expect(((await c.get('mp')).content as Buffer).length).toBe(150 * 1024);
  });
});
