import { afterEach, describe, expect, it } from 'vitest';
import { openRemote } from './open-remote.js';
import { startWireServer, type Answer, type Reply, type SeenRequest } from './wire-server.js';

/**
 * The OSS adapter's requests for versioned changes and its reading of OSS errors, against a stand-in that
 * answers as the OSS API reference documents (an ossbatch remote keeps one version per key, so versioned
 * calls are checked here).
 */
const BUCKETS: Reply = {
  status: 200,
  headers: { 'content-type': 'application/xml' },
  body:
    '<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult><Owner><ID>1</ID><DisplayName>1</DisplayName></Owner>' +
    '<Buckets></Buckets></ListAllMyBucketsResult>',
};

const ossError = (status: number, code: string, ec: string): Reply => ({
  status,
  headers: { 'content-type': 'application/xml', 'x-oss-request-id': 'R1', 'x-oss-ec': ec },
  body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${code}</Message><RequestId>R1</RequestId><HostId>h</HostId><EC>${ec}</EC></Error>`,
});

const COLD_HEAD: Reply = {
  status: 200,
  headers: {
    'content-length': '0',
    etag: '"D41D8CD98F00B204E9800998ECF8427E"',
    'last-modified': 'Wed, 01 Jan 2025 00:00:00 GMT',
    'x-oss-storage-class': 'ColdArchive',
    'x-oss-version-id': 'CAEQ1',
  },
};

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function ossAgainst(answer: Answer, region?: string) {
  const server = await startWireServer((r) => (r.method === 'GET' && r.path === '/' ? BUCKETS : answer(r)));
  const remote = await openRemote(
    `oss+http://127.0.0.1:${server.port}`,
    region === undefined ? {} : { config: { storeRegion: region } },
  );
  cleanup.push(
    () => server.close(),
    () => remote.close(),
  );
  const calls = (): SeenRequest[] => server.seen.filter((r) => !(r.method === 'GET' && r.path === '/'));
  return { store: remote.store, calls };
}

describe('OSS wire requests', () => {
  it('acts on the version a change names: tagging, ACL and restore carry versionId', async () => {
    const { store, calls } = await ossAgainst((r) => {
      if (r.method === 'HEAD') return COLD_HEAD;
      if (r.method === 'POST') return { status: 202 };
      return { status: r.method === 'DELETE' ? 204 : 200 };
    });
    const r = await store.applyBatch([
      {
        bucket: 'bkt',
        key: 'a/b.txt',
        versionId: 'CAEQ1',
        op: { kind: 'putTags', tags: [{ key: 'k', value: '' }] },
      },
      { bucket: 'bkt', key: 'a/b.txt', versionId: 'CAEQ1', op: { kind: 'deleteTags' } },
      { bucket: 'bkt', key: 'a/b.txt', versionId: 'CAEQ1', op: { kind: 'putAcl', acl: 'public-read' } },
      { bucket: 'bkt', key: 'a/b.txt', versionId: 'CAEQ1', op: { kind: 'restore', days: 2, tier: 'Bulk' } },
    ]);
    expect(r).toEqual([{ ok: true }, { ok: true }, { ok: true }, { ok: true }]);
    const seen = calls();
    for (const x of seen) {
      expect(x.path).toBe('/bkt/a/b.txt');
      expect(x.query.get('versionId')).toBe('CAEQ1');
    }
    const put = seen.find((x) => x.method === 'PUT' && x.query.has('tagging'));
    expect(put?.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Tagging><TagSet><Tag><Key>k</Key><Value></Value></Tag></TagSet></Tagging>',
    );
    expect(seen.find((x) => x.method === 'DELETE')?.query.has('tagging')).toBe(true);
    expect(seen.find((x) => x.query.has('acl'))?.headers['x-oss-object-acl']).toBe('public-read');
    const restore = seen.find((x) => x.method === 'POST');
    expect(restore?.query.has('restore')).toBe(true);
    expect(restore?.body).toContain(
      '<RestoreRequest><Days>2</Days><JobParameters><Tier>Bulk</Tier></JobParameters></RestoreRequest>',
    );
  });

  it('signs V1 by default and V4 when OSSBATCH_STORE_REGION is set', async () => {
    const v1 = await ossAgainst(() => ({ status: 200 }));
    await v1.store.putObjectAcl('bkt', 'k', 'private');
    expect(v1.calls()[0]?.headers.authorization).toMatch(/^OSS LTAI/);
    const v4 = await ossAgainst(() => ({ status: 200 }), 'oss-cn-hangzhou');
    await v4.store.putObjectAcl('bkt', 'k', 'private');
    expect(v4.calls()[0]?.headers.authorization).toMatch(
      /^OSS4-HMAC-SHA256 Credential=LTAI\w+\/\d{8}\/cn-hangzhou\/oss\/aliyun_v4_request/,
    );
  });

  it('reads OSS errors: codes and EC kept, SlowDown retried, permanent ones not', async () => {
    let slow = 3;
    const { store, calls } = await ossAgainst((r) => {
      if (r.path === '/bkt/gone') return ossError(404, 'NoSuchKey', '0026-00000001');
      if (r.path === '/bkt/ver') return ossError(404, 'NoSuchVersion', '0026-00000002');
      if (slow > 0) {
        slow -= 1;
        return ossError(503, 'SlowDown', '0005-00000002');
      }
      return { status: 200 };
    });
    const put = (key: string) => ({
      bucket: 'bkt',
      key,
      op: { kind: 'putAcl' as const, acl: 'private' as const },
    });
    const r = await store.applyBatch([put('gone')]);
    expect(r[0]).toMatchObject({ ok: false, code: 'NoSuchKey', status: 404, retryable: false });
    expect(await store.applyBatch([put('ver')])).toMatchObject([
      { ok: false, code: 'NoSuchVersion', retryable: false },
    ]);
    expect(await store.applyBatch([put('busy')])).toEqual([{ ok: true }]);
    expect(calls().filter((x) => x.path === '/bkt/busy')).toHaveLength(4);
    expect(calls().filter((x) => x.path === '/bkt/gone')).toHaveLength(1);
    const err = await store
      .putObjectAcl('bkt', 'ver', 'private')
      .catch((e: unknown) => e as { code: string; ec: string });
    expect(err).toMatchObject({ code: 'NoSuchVersion', ec: '0026-00000002' });
  });
});
