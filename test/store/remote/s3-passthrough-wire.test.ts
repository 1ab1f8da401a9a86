import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ossCode } from '../contract/harness.js';
import { openRemote } from './open-remote.js';
import { emptyBucketList, s3Error, startWireServer, type Reply, type SeenRequest } from './wire-server.js';

/**
 * The S3 adapter's exact requests for the multipart and versioning calls s3rver does not implement
 * (UploadPartCopy, AbortMultipartUpload, ListParts, ListMultipartUploads, Get/PutBucketVersioning,
 * ListObjectVersions, DeleteObject by version, a HEAD that hits a delete marker), answered as the S3 API
 * reference documents them. Initiate, UploadPart and Complete also run against s3rver
 * (s3-multipart-front.test.ts).
 */
const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';
const xml = (body: string): Reply => ({
  status: 200,
  headers: { 'content-type': 'application/xml' },
  body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}`,
});
const OBJECT_HEAD: Reply = {
  status: 200,
  headers: {
    'content-length': '11',
    etag: '"0123456789abcdef0123456789abcdef-2"',
    'last-modified': 'Wed, 01 Jan 2025 00:00:00 GMT',
    'x-amz-version-id': 'Vx3.yZ_current',
  },
};

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** An S3 stand-in; `answer` sees every request but the start-up ListBuckets and HEAD bucket. */
async function s3Against(answer: (r: SeenRequest) => Reply | undefined) {
  const server = await startWireServer((r) => {
    if (r.method === 'GET' && r.path === '/') return emptyBucketList;
    if (r.method === 'HEAD' && /^\/bkt\/?$/.test(r.path)) return { status: 200 };
    return answer(r) ?? s3Error(500, 'InternalError', `unexpected ${r.method} ${r.path}`);
  });
  const remote = await openRemote(`s3+http://127.0.0.1:${server.port}`);
  cleanup.push(
    () => server.close(),
    () => remote.close(),
  );
  const calls = (): SeenRequest[] =>
    server.seen.filter(
      (r) => !(r.method === 'GET' && r.path === '/') && !(r.method === 'HEAD' && /^\/bkt\/?$/.test(r.path)),
    );
  return { store: remote.store, calls };
}

/** The query of a request, without the SDK's own `x-id=<Operation>` marker. */
const q = (r: SeenRequest | undefined): Record<string, string> => {
  const out = Object.fromEntries(r?.query ?? []);
  delete out['x-id'];
  return out;
};

describe('S3 multipart wire requests', () => {
  it('Initiate carries the object metadata; UploadPart sends the body with Content-MD5; the upload id is the store’s', async () => {
    const { store, calls } = await s3Against((r) => {
      if (r.method === 'POST' && r.query.has('uploads'))
        return xml(
          `<InitiateMultipartUploadResult ${NS}><Bucket>bkt</Bucket><Key>a b</Key><UploadId>S3-upload.id/1</UploadId></InitiateMultipartUploadResult>`,
        );
      if (r.method === 'PUT') return { status: 200, headers: { etag: '"5d41402abc4b2a76b9719d911017c592"' } };
      return undefined;
    });
    const up = await store.initiateUpload({
      bucket: 'bkt',
      key: 'a b',
      contentType: 'text/plain',
      storageClass: 'IA',
      userMeta: { owner: 'me' },
      tags: [{ key: 't', value: '1' }],
    });
    expect(up.uploadId).toBe('S3-upload.id/1');
    const part = await store.uploadPart({
      bucket: 'bkt',
      key: 'a b',
      uploadId: up.uploadId,
      partNumber: 3,
      body: Readable.from([Buffer.from('hello')]),
    });
    expect(part).toMatchObject({ partNumber: 3, size: 5, etag: '5D41402ABC4B2A76B9719D911017C592' });
    const [init, put] = calls();
    expect(init).toMatchObject({ method: 'POST', path: '/bkt/a%20b', body: '' });
    expect(init?.headers).toMatchObject({
      'content-type': 'text/plain',
      'x-amz-storage-class': 'STANDARD_IA',
      'x-amz-meta-owner': 'me',
      'x-amz-tagging': 't=1',
    });
    expect(put).toMatchObject({ method: 'PUT', path: '/bkt/a%20b', body: 'hello' });
    expect(q(put)).toEqual({ partNumber: '3', uploadId: 'S3-upload.id/1' });
    expect(put?.headers['content-md5']).toBe('XUFAKrxLKna5cZ2REBfFkg==');
  });

  it('UploadPartCopy names the source version and range; Complete sends the client’s part list as given', async () => {
    const { store, calls } = await s3Against((r) => {
      if (r.method === 'PUT')
        return xml(
          `<CopyPartResult ${NS}><LastModified>2025-01-02T03:04:05.000Z</LastModified><ETag>"9e107d9d372bb6826bd81d3542a419d6"</ETag></CopyPartResult>`,
        );
      if (r.method === 'POST')
        return xml(
          `<CompleteMultipartUploadResult ${NS}><Bucket>bkt</Bucket><Key>k</Key><ETag>"x-2"</ETag></CompleteMultipartUploadResult>`,
        );
      if (r.method === 'HEAD') return OBJECT_HEAD;
      if (r.query.has('tagging')) return xml(`<Tagging ${NS}><TagSet></TagSet></Tagging>`);
      if (r.query.has('acl'))
        return xml(
          `<AccessControlPolicy ${NS}><AccessControlList></AccessControlList></AccessControlPolicy>`,
        );
      return undefined;
    });
    const source = (await store.headObject('bkt', 'k'))!;
    const copied = await store.uploadPartCopy({
      bucket: 'bkt',
      key: 'k',
      uploadId: 'U1',
      partNumber: 2,
      source: { ...source, key: 'src dir/a', versionId: 'Vsrc.1' },
      range: { start: 0, end: 4 },
    });
    expect(copied).toMatchObject({
      etag: '9E107D9D372BB6826BD81D3542A419D6',
      size: 5,
      lastModified: Date.parse('2025-01-02T03:04:05Z'),
    });
    const meta = await store.completeUpload({
      bucket: 'bkt',
      key: 'k',
      uploadId: 'U1',
      parts: [
        { partNumber: 2, etag: '"9E107D9D372BB6826BD81D3542A419D6"' },
        { partNumber: 1, etag: '5D41402ABC4B2A76B9719D911017C592' },
      ],
    });
    expect(meta).toMatchObject({ etag: '0123456789ABCDEF0123456789ABCDEF-2', versionId: 'Vx3.yZ_current' });
    const copy = calls().find((r) => r.method === 'PUT');
    expect(q(copy)).toEqual({ partNumber: '2', uploadId: 'U1' });
    expect(copy?.headers['x-amz-copy-source']).toBe('bkt/src%20dir/a?versionId=Vsrc.1');
    expect(copy?.headers['x-amz-copy-source-range']).toBe('bytes=0-4');
    const complete = calls().find((r) => r.method === 'POST');
    expect(q(complete)).toEqual({ uploadId: 'U1' });
    // Out of order on purpose: the store, not the adapter, answers InvalidPartOrder. ETags as S3 forms them.
    expect(complete?.body).toBe(
      `<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUpload ${NS}><Part><ETag>&quot;9e107d9d372bb6826bd81d3542a419d6&quot;</ETag><PartNumber>2</PartNumber></Part><Part><ETag>&quot;5d41402abc4b2a76b9719d911017c592&quot;</ETag><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>`,
    );
  });

  it('Complete with x-oss-complete-all lists every part first; the store’s errors keep their OSS codes', async () => {
    let completeReply: Reply = s3Error(
      400,
      'InvalidPartOrder',
      'The list of parts was not in ascending order.',
    );
    const { store, calls } = await s3Against((r) => {
      if (r.method === 'GET' && r.query.has('uploadId')) {
        const after = r.query.get('part-number-marker');
        const part = after === null ? 1 : 2;
        return xml(
          `<ListPartsResult ${NS}><Bucket>bkt</Bucket><Key>k</Key><UploadId>U1</UploadId><StorageClass>STANDARD</StorageClass>` +
            `<IsTruncated>${part === 1}</IsTruncated><Part><PartNumber>${part}</PartNumber><LastModified>2025-01-01T00:00:00.000Z</LastModified><ETag>"0000000000000000000000000000000${part}"</ETag><Size>5</Size></Part></ListPartsResult>`,
        );
      }
      if (r.method === 'POST') return completeReply;
      if (r.method === 'DELETE') return s3Error(404, 'NoSuchUpload', 'The specified upload does not exist.');
      return undefined;
    });
    expect(
      await ossCode(store.completeUpload({ bucket: 'bkt', key: 'k', uploadId: 'U1', parts: 'all' })),
    ).toBe('InvalidPartOrder');
    const complete = calls().find((r) => r.method === 'POST');
    expect(complete?.body).toContain(
      '<PartNumber>1</PartNumber></Part><Part><ETag>&quot;00000000000000000000000000000002&quot;</ETag><PartNumber>2</PartNumber>',
    );
    const lists = calls().filter((r) => r.method === 'GET');
    expect(lists.map(q)).toEqual([
      { uploadId: 'U1', 'max-parts': '1000' },
      { uploadId: 'U1', 'max-parts': '1000', 'part-number-marker': '1' },
    ]);
    completeReply = s3Error(
      400,
      'EntityTooSmall',
      'Your proposed upload is smaller than the minimum allowed.',
    );
    expect(
      await ossCode(
        store.completeUpload({
          bucket: 'bkt',
          key: 'k',
          uploadId: 'U1',
          parts: [{ partNumber: 1, etag: 'a' }],
        }),
      ),
    ).toBe('EntityTooSmall');
    completeReply = s3Error(400, 'InvalidPart', 'One or more of the specified parts could not be found.');
    expect(
      await ossCode(
        store.completeUpload({
          bucket: 'bkt',
          key: 'k',
          uploadId: 'U1',
          parts: [{ partNumber: 1, etag: 'a' }],
        }),
      ),
    ).toBe('InvalidPart');
    expect(await ossCode(store.abortUpload('bkt', 'k', 'U1'))).toBe('NoSuchUpload');
    const abort = calls().find((r) => r.method === 'DELETE');
    expect(abort).toMatchObject({ path: '/bkt/k', body: '' });
    expect(q(abort)).toEqual({ uploadId: 'U1' });
  });

  it('a Complete whose answer was lost: the retry’s NoSuchUpload counts as done when the object has that many parts', async () => {
    let posts = 0;
    const { store } = await s3Against((r) => {
      if (r.method === 'POST') {
        posts += 1;
        return posts % 2 === 1 ? { status: 0, reset: true } : s3Error(404, 'NoSuchUpload', 'gone');
      }
      if (r.method === 'HEAD') return OBJECT_HEAD;
      if (r.query.has('tagging')) return xml(`<Tagging ${NS}><TagSet></TagSet></Tagging>`);
      if (r.query.has('acl'))
        return xml(
          `<AccessControlPolicy ${NS}><AccessControlList></AccessControlList></AccessControlPolicy>`,
        );
      return undefined;
    });
    const two = [
      { partNumber: 1, etag: 'a' },
      { partNumber: 2, etag: 'b' },
    ];
    const meta = await store.completeUpload({ bucket: 'bkt', key: 'k', uploadId: 'U1', parts: two });
    expect(meta.etag).toBe('0123456789ABCDEF0123456789ABCDEF-2');
    expect(posts).toBe(2);
    // Three parts asked, a two-part object found: someone else's object, so the NoSuchUpload stands.
    expect(
      await ossCode(
        store.completeUpload({
          bucket: 'bkt',
          key: 'k',
          uploadId: 'U1',
          parts: [...two, { partNumber: 3, etag: 'c' }],
        }),
      ),
    ).toBe('NoSuchUpload');
  });

  it('ListParts and ListMultipartUploads page with the store’s markers and keep CommonPrefixes', async () => {
    const { store, calls } = await s3Against((r) => {
      if (r.query.has('uploadId'))
        return xml(
          `<ListPartsResult ${NS}><Bucket>bkt</Bucket><Key>k</Key><UploadId>U1</UploadId><StorageClass>STANDARD_IA</StorageClass><PartNumberMarker>1</PartNumberMarker><NextPartNumberMarker>3</NextPartNumberMarker><MaxParts>2</MaxParts><IsTruncated>true</IsTruncated>` +
            `<Part><PartNumber>2</PartNumber><LastModified>2025-01-01T00:00:00.000Z</LastModified><ETag>"aa"</ETag><Size>102400</Size></Part>` +
            `<Part><PartNumber>3</PartNumber><LastModified>2025-01-01T00:00:01.000Z</LastModified><ETag>"bb"</ETag><Size>7</Size></Part></ListPartsResult>`,
        );
      if (r.query.has('uploads'))
        return xml(
          `<ListMultipartUploadsResult ${NS}><Bucket>bkt</Bucket><KeyMarker>a</KeyMarker><UploadIdMarker>u0</UploadIdMarker><NextKeyMarker>c</NextKeyMarker><NextUploadIdMarker>u9</NextUploadIdMarker><Delimiter>/</Delimiter><MaxUploads>2</MaxUploads><IsTruncated>true</IsTruncated>` +
            `<Upload><Key>b</Key><UploadId>u5</UploadId><StorageClass>GLACIER</StorageClass><Initiated>2025-01-01T00:00:00.000Z</Initiated></Upload>` +
            `<CommonPrefixes><Prefix>c/</Prefix></CommonPrefixes></ListMultipartUploadsResult>`,
        );
      return undefined;
    });
    const parts = await store.listParts({ bucket: 'bkt', key: 'k', uploadId: 'U1', after: 1, maxParts: 2 });
    expect(parts).toMatchObject({ isTruncated: true, upload: { uploadId: 'U1', storageClass: 'IA' } });
    expect(parts.parts.map((p) => [p.partNumber, p.size, p.etag])).toEqual([
      [2, 102400, 'AA'],
      [3, 7, 'BB'],
    ]);
    const page = await store.listUploads({
      bucket: 'bkt',
      delimiter: '/',
      keyMarker: 'a',
      uploadIdMarker: 'u0',
      maxUploads: 2,
    });
    expect(page).toEqual({
      uploads: [
        {
          bucket: 'bkt',
          key: 'b',
          uploadId: 'u5',
          initiated: Date.parse('2025-01-01T00:00:00Z'),
          storageClass: 'Archive',
        },
      ],
      commonPrefixes: ['c/'],
      isTruncated: true,
      nextKeyMarker: 'c',
      nextUploadIdMarker: 'u9',
    });
    const [lp, lu] = calls();
    expect(lp).toMatchObject({ method: 'GET', path: '/bkt/k' });
    expect(q(lp)).toEqual({ uploadId: 'U1', 'max-parts': '2', 'part-number-marker': '1' });
    expect(lu).toMatchObject({ method: 'GET', path: '/bkt/' });
    expect(q(lu)).toEqual({
      uploads: '',
      delimiter: '/',
      'key-marker': 'a',
      'upload-id-marker': 'u0',
      'max-uploads': '2',
    });
  });
});

describe('S3 versioning wire requests', () => {
  it('Put/GetBucketVersioning: the status reaches the bucket info and is cached', async () => {
    let status = '';
    const { store, calls } = await s3Against((r) => {
      if (r.method === 'PUT' && r.query.has('versioning')) return { status: 200 };
      if (r.method === 'GET' && r.query.has('versioning'))
        return xml(`<VersioningConfiguration ${NS}>${status}</VersioningConfiguration>`);
      return undefined;
    });
    expect((await store.getBucket('bkt'))?.versioning).toBeUndefined();
    await store.setBucketVersioning('bkt', 'Suspended');
    status = '<Status>Suspended</Status>';
    expect((await store.getBucket('bkt'))?.versioning).toBe('Suspended');
    expect((await store.getBucket('bkt'))?.versioning).toBe('Suspended');
    const put = calls().find((r) => r.method === 'PUT');
    expect(put).toMatchObject({ path: '/bkt/' });
    expect(put?.body).toBe(
      `<?xml version="1.0" encoding="UTF-8"?><VersioningConfiguration ${NS}><Status>Suspended</Status></VersioningConfiguration>`,
    );
    // One GetBucketVersioning: the PUT refreshed the cache, the later reads are served from it.
    expect(calls().filter((r) => r.method === 'GET' && r.query.has('versioning'))).toHaveLength(1);
  });

  it('ListObjectVersions: markers in and out, versions and delete markers in key then age order', async () => {
    const { store, calls } = await s3Against((r) =>
      r.query.has('versions')
        ? xml(
            `<ListVersionsResult ${NS}><Name>bkt</Name><Prefix>d</Prefix><KeyMarker>d0</KeyMarker><VersionIdMarker>v0</VersionIdMarker><NextKeyMarker>d2</NextKeyMarker><NextVersionIdMarker>v2.old</NextVersionIdMarker><MaxKeys>3</MaxKeys><IsTruncated>true</IsTruncated>` +
              `<DeleteMarker><Key>d1</Key><VersionId>m1</VersionId><IsLatest>true</IsLatest><LastModified>2025-01-03T00:00:00.000Z</LastModified></DeleteMarker>` +
              `<Version><Key>d1</Key><VersionId>v1</VersionId><IsLatest>false</IsLatest><LastModified>2025-01-02T00:00:00.000Z</LastModified><ETag>"ab"</ETag><Size>3</Size><StorageClass>STANDARD</StorageClass></Version>` +
              `<Version><Key>d2</Key><VersionId>v2.old</VersionId><IsLatest>true</IsLatest><LastModified>2025-01-01T00:00:00.000Z</LastModified><ETag>"cd"</ETag><Size>4</Size><StorageClass>GLACIER</StorageClass></Version></ListVersionsResult>`,
          )
        : undefined,
    );
    const page = await store.listObjectVersions({
      bucket: 'bkt',
      prefix: 'd',
      keyMarker: 'd0',
      versionIdMarker: 'v0',
      maxKeys: 3,
    });
    expect(
      page.entries.map((e) =>
        e.kind === 'version'
          ? [e.meta.key, e.meta.versionId, e.isLatest, e.meta.storageClass]
          : [e.key, e.versionId, e.isLatest, 'marker'],
      ),
    ).toEqual([
      ['d1', 'm1', true, 'marker'],
      ['d1', 'v1', false, 'Standard'],
      ['d2', 'v2.old', true, 'Archive'],
    ]);
    expect(page).toMatchObject({ isTruncated: true, nextKeyMarker: 'd2', nextVersionIdMarker: 'v2.old' });
    const [list] = calls();
    expect(q(list)).toEqual({
      versions: '',
      prefix: 'd',
      'key-marker': 'd0',
      'version-id-marker': 'v0',
      'max-keys': '3',
    });
  });

  it('DeleteObject by version, and a HEAD that hits a delete marker (404 or 405 with x-amz-delete-marker)', async () => {
    const { store, calls } = await s3Against((r) => {
      if (r.method === 'DELETE')
        return { status: 204, headers: { 'x-amz-delete-marker': 'true', 'x-amz-version-id': 'm7' } };
      if (r.method === 'HEAD') {
        const marker = {
          'x-amz-delete-marker': 'true',
          'x-amz-version-id': 'm7',
          'last-modified': 'Thu, 02 Jan 2025 00:00:00 GMT',
        };
        return { status: r.query.get('versionId') === 'm7' ? 405 : 404, headers: marker };
      }
      if (r.query.has('tagging') || r.query.has('acl')) return s3Error(404, 'NoSuchKey');
      return undefined;
    });
    expect(await store.deleteVersion('bkt', 'k', 'm7')).toEqual({ versionId: 'm7', deleteMarker: true });
    const del = calls().find((r) => r.method === 'DELETE');
    expect(del).toMatchObject({ path: '/bkt/k' });
    expect(q(del)).toEqual({ versionId: 'm7' });
    expect(await store.headVersion('bkt', 'k', undefined)).toEqual({
      kind: 'delete-marker',
      versionId: 'm7',
      lastModified: Date.parse('2025-01-02T00:00:00Z'),
      isLatest: true,
    });
    expect(await store.headVersion('bkt', 'k', 'm7')).toMatchObject({
      kind: 'delete-marker',
      versionId: 'm7',
      isLatest: true,
    });
  });

  it('a version the key does not have is NoSuchVersion; a key with nothing is NoSuchKey', async () => {
    let current: Reply = OBJECT_HEAD;
    const { store, calls } = await s3Against((r) => {
      if (r.method === 'HEAD') return r.query.has('versionId') ? { status: 404 } : current;
      if (r.query.has('tagging') || r.query.has('acl')) return s3Error(404, 'NoSuchVersion');
      return undefined;
    });
    expect((await store.headVersion('bkt', 'k', 'nope')).kind).toBe('no-such-version');
    current = { status: 404 };
    expect((await store.headVersion('bkt', 'k', 'nope')).kind).toBe('no-such-key');
    // Told apart by HEADs only (a HEAD 404 has no body): of the named version, then of the current one.
    expect(calls().filter((r) => r.method === 'HEAD' && !r.query.has('versionId')).length).toBeGreaterThan(0);
  });

  it('GetBucketStat: S3 has none; OperationNotSupported says why, and nothing is listed', async () => {
    const { store, calls } = await s3Against(() => undefined);
    const err = await store.getBucketStat('bkt').catch((e: unknown) => e as Error & { code: string });
    expect(err).toMatchObject({ code: 'OperationNotSupported' });
    expect((err as Error).message).toContain('one call per 1,000');
    expect(calls()).toEqual([]);
  });
});
