import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserWithPolicy, startTestServer, type TestServer } from '../helpers/server.js';

describe.each([false, true])('DeleteMultipleObjects over the wire (v4=%s)', (v4) => {
  let ts: TestServer;
  const bucket = `multi-${v4 ? 'v4' : 'v1'}`;
  beforeAll(async () => {
    ts = await startTestServer();
    await ts.anyClient({ v4 }).putBucket(bucket);
  });
  afterAll(async () => {
    await ts.close();
  });

  it('deletes listed keys (odd ones too), counts missing keys as deleted, and honours quiet', async () => {
    const c = ts.anyClient({ v4, bucket });
    const keys = ['a.txt', 'dir/b c+d.txt', '中文/ü.bin', 'x&y<z>.txt'];
    for (const k of keys) await c.put(k, Buffer.from(k));
    const result = await c.deleteMulti([...keys, 'never-there.txt']);
    expect(result.res.status).toBe(200);
    expect(new Set(result.deleted.map((d: { Key: string }) => d.Key))).toEqual(
      new Set([...keys, 'never-there.txt']),
    );
    expect((await c.list({ 'max-keys': 100 })).objects ?? []).toHaveLength(0);
    await c.put('q.txt', Buffer.from('q'));
    const quiet = await c.deleteMulti(['q.txt'], { quiet: true });
    expect(quiet.deleted ?? []).toHaveLength(0);
    expect((await c.list({ 'max-keys': 100 })).objects ?? []).toHaveLength(0);
  });

  it('refuses the whole request when one key is not deletable, deleting nothing', async () => {
    const root = ts.anyClient({ v4, bucket });
    await root.put('open/1.txt', Buffer.from('1'));
    await root.put('closed/2.txt', Buffer.from('2'));
    const user = await createUserWithPolicy(ts, `deleter${v4 ? '4' : '1'}`, {
      Version: '1',
      Statement: [{ Effect: 'Allow', Action: 'oss:DeleteObject', Resource: `acs:oss:*:*:${bucket}/open/*` }],
    });
    const c = ts.anyClient({ v4, bucket, accessKeyId: user.accessKeyId, secret: user.secret });
    const err = await c.deleteMulti(['open/1.txt', 'closed/2.txt']).then(
      () => undefined,
      (e: { code: string; status: number }) => e,
    );
    expect([err?.code, err?.status]).toEqual(['AccessDenied', 403]);
    expect((await root.head('open/1.txt')).res.status).toBe(200);
    expect((await c.deleteMulti(['open/1.txt'])).deleted).toHaveLength(1);
  });

  it('answers MalformedXML for an empty <Delete> and NoSuchBucket for a missing bucket', async () => {
    const c = ts.anyClient({ v4 });
    const empty = await c
      .request({
        method: 'POST',
        bucket,
        subres: { delete: '' },
        content: '<Delete><Quiet>false</Quiet></Delete>',
        mime: 'xml',
        successStatuses: [200],
      })
      .then(
        () => undefined,
        (e: { code: string }) => e,
      );
    expect(empty?.code).toBe('MalformedXML');
    const missing = await ts
      .anyClient({ v4, bucket: 'no-such-bucket-multi' })
      .deleteMulti(['a'])
      .then(
        () => undefined,
        (e: { code: string }) => e,
      );
    expect(missing?.code).toBe('NoSuchBucket');
  });
});
