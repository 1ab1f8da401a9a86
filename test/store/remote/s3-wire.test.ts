import { afterEach, describe, expect, it } from 'vitest';
import { openRemote } from './open-remote.js';
import { emptyBucketList, s3Error, startWireServer, type Answer, type SeenRequest } from './wire-server.js';

/**
 * The S3 adapter's exact requests for the calls s3rver does not implement (PutObjectAcl, DeleteObjectTagging,
 * RestoreObject, versioned changes), answered as the S3 API reference documents them.
 */
const GLACIER_HEAD = {
  status: 200,
  headers: {
    'content-length': '0',
    etag: '"d41d8cd98f00b204e9800998ecf8427e"',
    'last-modified': 'Wed, 01 Jan 2025 00:00:00 GMT',
    'x-amz-storage-class': 'GLACIER',
  },
};

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function s3Against(answer: Answer, retry?: { attempts: number; baseMs: number; capMs: number }) {
  const server = await startWireServer((r) =>
    r.method === 'GET' && r.path === '/' ? emptyBucketList : answer(r),
  );
  const remote = await openRemote(`s3+http://127.0.0.1:${server.port}`, retry ? { retry } : {});
  cleanup.push(
    () => server.close(),
    () => remote.close(),
  );
  const calls = (): SeenRequest[] => server.seen.filter((r) => !(r.method === 'GET' && r.path === '/'));
  return { store: remote.store, calls };
}

describe('S3 wire requests', () => {
  it('PutObjectAcl: PUT ?acl with the canned x-amz-acl, on the version asked for', async () => {
    const { store, calls } = await s3Against(() => ({ status: 200 }));
    await store.putObjectAcl('bkt', 'dir/a b.txt', 'public-read');
    const r = await store.applyBatch([
      { bucket: 'bkt', key: 'k', versionId: 'v42', op: { kind: 'putAcl', acl: 'private' } },
      { bucket: 'bkt', key: 'k', op: { kind: 'putAcl', acl: 'default' } },
    ]);
    expect(r).toEqual([{ ok: true }, { ok: true }]);
    const [one, two, three] = calls();
    expect(one).toMatchObject({ method: 'PUT', path: '/bkt/dir/a%20b.txt' });
    expect(one?.query.has('acl')).toBe(true);
    expect(one?.headers['x-amz-acl']).toBe('public-read');
    expect(one?.body).toBe('');
    expect(two?.query.get('versionId')).toBe('v42');
    expect(two?.headers['x-amz-acl']).toBe('private');
    // S3 has no "inherit the bucket" ACL: default is written as private (docs/operations.md).
    expect(three?.headers['x-amz-acl']).toBe('private');
    expect(three?.query.has('versionId')).toBe(false);
  });

  it('DeleteObjectTagging: DELETE ?tagging (204), versioned when asked', async () => {
    const { store, calls } = await s3Against(() => ({ status: 204 }));
    await store.deleteObjectTags('bkt', 'k');
    const r = await store.applyBatch([
      { bucket: 'bkt', key: 'k', versionId: 'v7', op: { kind: 'deleteTags' } },
    ]);
    expect(r).toEqual([{ ok: true }]);
    const [one, two] = calls();
    expect(one).toMatchObject({ method: 'DELETE', path: '/bkt/k', body: '' });
    expect(one?.query.has('tagging')).toBe(true);
    expect(two?.query.get('versionId')).toBe('v7');
  });

  it('PutObjectTagging: PUT ?tagging with the TagSet XML', async () => {
    const { store, calls } = await s3Against(() => ({ status: 200 }));
    await store.putObjectTags('bkt', 'k', [
      { key: 'a', value: '1 2' },
      { key: 'b', value: '' },
    ]);
    const [one] = calls();
    expect(one).toMatchObject({ method: 'PUT', path: '/bkt/k' });
    expect(one?.query.has('tagging')).toBe(true);
    expect(one?.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet><Tag><Key>a</Key><Value>1 2</Value></Tag><Tag><Key>b</Key><Value></Value></Tag></TagSet></Tagging>',
    );
  });

  it('RestoreObject: POST ?restore with Days and GlacierJobParameters.Tier; 202 accepted, 200 extended', async () => {
    let restoreStatus = 202;
    const { store, calls } = await s3Against((r) =>
      r.method === 'HEAD' ? GLACIER_HEAD : { status: restoreStatus },
    );
    expect(await store.restoreObject('bkt', 'cold', 3, 'Bulk', 'v1')).toBe('accepted');
    restoreStatus = 200;
    expect(await store.restoreObject('bkt', 'cold', 2, undefined)).toBe('extended');
    const posts = calls().filter((r) => r.method === 'POST');
    expect(posts[0]).toMatchObject({ path: '/bkt/cold' });
    expect(posts[0]?.query.has('restore')).toBe(true);
    expect(posts[0]?.query.get('versionId')).toBe('v1');
    expect(posts[0]?.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><RestoreRequest xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Days>3</Days><GlacierJobParameters><Tier>Bulk</Tier></GlacierJobParameters></RestoreRequest>',
    );
    expect(posts[1]?.body).toContain('<Days>2</Days>');
    expect(posts[1]?.body).not.toContain('GlacierJobParameters');
    const heads = calls().filter((r) => r.method === 'HEAD');
    expect(heads[0]?.query.get('versionId')).toBe('v1');
  });

  it('RestoreObject in a batch: in progress is a success; a store without restore is OperationNotSupported', async () => {
    let reply = s3Error(409, 'RestoreAlreadyInProgress', 'Object restore is already in progress');
    const { store, calls } = await s3Against((r) => (r.method === 'HEAD' ? GLACIER_HEAD : reply));
    const change = { bucket: 'bkt', key: 'cold', op: { kind: 'restore' as const, days: 1, tier: undefined } };
    expect(await store.applyBatch([change])).toEqual([
      { ok: true, message: 'RestoreAlreadyInProgress: restore is already in progress' },
    ]);
    reply = s3Error(
      501,
      'NotImplemented',
      'A header you provided implies functionality that is not implemented',
    );
    const [r] = await store.applyBatch([change]);
    expect(r).toMatchObject({ ok: false, code: 'OperationNotSupported', status: 400, retryable: false });
    expect(r && !r.ok && r.message).toContain('does not support RestoreObject');
    // 501 is not retried: one HEAD + one POST per change.
    expect(calls().filter((x) => x.method === 'POST')).toHaveLength(2);
  });

  it('reads objects from a store without object tagging or ACLs (501 on ?tagging / ?acl)', async () => {
    const { store } = await s3Against((r) =>
      r.method === 'HEAD'
        ? {
            status: 200,
            headers: {
              ...GLACIER_HEAD.headers,
              'x-amz-storage-class': 'STANDARD_IA',
              'x-amz-meta-color': 'blue',
            },
          }
        : s3Error(
            501,
            'NotImplemented',
            'A parameter you provided implies functionality that is not implemented',
          ),
    );
    expect(await store.headObject('bkt', 'k')).toMatchObject({
      key: 'k',
      storageClass: 'IA',
      userMeta: { color: 'blue' },
      tags: [],
      acl: 'default',
      versionId: 'null',
    });
  });

  it('maps S3 errors to OSS codes and decides retryable once', async () => {
    const replies: Record<string, ReturnType<typeof s3Error>> = {
      '/bkt/gone': s3Error(404, 'NoSuchKey'),
      '/nob/k': s3Error(404, 'NoSuchBucket'),
      '/bkt/bad': s3Error(400, 'InvalidTag', 'The TagValue you have provided is invalid'),
      '/bkt/denied': s3Error(403, 'AccessDenied', 'Access Denied'),
      '/bkt/ver': s3Error(404, 'NoSuchVersion', 'The specified version does not exist.'),
      '/bkt/owned': s3Error(400, 'AccessControlListNotSupported', 'The bucket does not allow ACLs'),
    };
    const { store } = await s3Against(
      (r) => replies[r.path] ?? s3Error(503, 'SlowDown', 'Please reduce your request rate.'),
    );
    const put = (bucket: string, key: string) => ({
      bucket,
      key,
      op: { kind: 'putTags' as const, tags: [] },
    });
    const r = await store.applyBatch([
      put('bkt', 'gone'),
      put('nob', 'k'),
      put('bkt', 'bad'),
      put('bkt', 'denied'),
      put('bkt', 'ver'),
      put('bkt', 'busy'),
      { bucket: 'bkt', key: 'owned', op: { kind: 'putAcl' as const, acl: 'public-read' as const } },
    ]);
    expect(r.map((x) => (x.ok ? 'ok' : `${x.code}/${x.status}/${x.retryable}`))).toEqual([
      'NoSuchKey/404/false',
      'NoSuchBucket/404/false',
      'InvalidTag/400/false',
      'AccessDenied/403/false',
      'NoSuchVersion/404/false',
      'ServiceUnavailable/503/true',
      'OperationNotSupported/400/false',
    ]);
  });
});
