import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createUserWithPolicy,
  rawRequest,
  signedRawRequest,
  startTestServer,
  type TestServer,
  type LooseOss,
} from '../helpers/server.js';

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer();
});
afterAll(async () => {
  await ts.close();
});

type Err = { code?: string; status?: number };
async function failure(p: Promise<unknown>): Promise<Err> {
  try {
    await p;
  } catch (e) {
    return e as Err;
  }
  throw new Error('expected the call to fail');
}
const denied = async (p: Promise<unknown>): Promise<void> => {
  expect(await failure(p)).toMatchObject({ code: 'AccessDenied', status: 403 });
};

interface PolicyClient {
  putBucketPolicy(bucket: string, policy: object): Promise<{ status: number }>;
  getBucketPolicy(bucket: string): Promise<{ policy: unknown; status: number }>;
  deleteBucketPolicy(bucket: string): Promise<{ status: number }>;
}

describe.each([
  ['V1', false],
  ['V4', true],
])('RAM policies, bucket policies and ACLs (%s)', (name, v4) => {
  const bucket = `authz-${name.toLowerCase()}`;
  const user = (n: string): string => `${n}-${name.toLowerCase()}`;
  let root: LooseOss;

  beforeAll(async () => {
    await ts.anyClient({ v4 }).putBucket(bucket);
    root = ts.anyClient({ v4, bucket });
    for (const k of ['team/a.txt', 'other/b.txt', 'pub.txt']) await root.put(k, Buffer.from(k));
  });

  it('denies a user without policies everything', async () => {
    const creds = await createUserWithPolicy(ts, user('nobody'));
    const c = ts.anyClient({ v4, bucket, ...creds });
    await denied(c.get('team/a.txt'));
    await denied(c.put('team/new.txt', Buffer.from('x')));
    await denied(c.list({}, {}));
    await denied(ts.anyClient({ v4, ...creds }).listBuckets({}));
    await denied(c.putObjectTagging('team/a.txt', { a: 'b' }));
    await denied(c.delete('team/a.txt'));
  });

  it('grants by prefix, including the oss:Prefix condition on listings', async () => {
    const creds = await createUserWithPolicy(ts, user('prefixed'), {
      Version: '1',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['oss:GetObject', 'oss:PutObject'],
          Resource: [`acs:oss:*:*:${bucket}/team/*`],
        },
        {
          Effect: 'Allow',
          Action: 'oss:ListObjects',
          Resource: `acs:oss:*:*:${bucket}`,
          Condition: { StringLike: { 'oss:Prefix': 'team/*' } },
        },
      ],
    });
    const c = ts.anyClient({ v4, bucket, ...creds });
    expect((await c.get('team/a.txt')).content.toString()).toBe('team/a.txt');
    expect((await c.put('team/mine.txt', Buffer.from('m'))).res.status).toBe(200);
    expect((await c.head('team/a.txt')).status).toBe(200);
    await denied(c.get('other/b.txt'));
    await denied(c.put('other/x.txt', Buffer.from('x')));
    expect((await c.list({ prefix: 'team/' }, {})).objects?.length).toBeGreaterThan(0);
    await denied(c.list({ prefix: 'other/' }, {}));
    await denied(c.getObjectTagging('team/a.txt'));
    // Tags on upload need oss:PutObjectTagging too (OSS PutObject/CopyObject permission tables).
    await denied(c.put('team/tagged.txt', Buffer.from('t'), { headers: { 'x-oss-tagging': 'a=b' } }));
    await denied(
      c.copy('team/tagged.txt', 'team/a.txt', {
        headers: { 'x-oss-tagging-directive': 'Replace', 'x-oss-tagging': 'a=b' },
      }),
    );
    await expect(root.head('team/tagged.txt')).rejects.toMatchObject({ status: 404 });
  });

  it('lets x-oss-tagging through with oss:PutObjectTagging', async () => {
    const creds = await createUserWithPolicy(ts, user('tagger'), {
      Version: '1',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['oss:PutObject', 'oss:PutObjectTagging'],
          Resource: [`acs:oss:*:*:${bucket}/team/*`],
        },
      ],
    });
    const c = ts.anyClient({ v4, bucket, ...creds });
    const put = await c.put('team/tagged2.txt', Buffer.from('t'), { headers: { 'x-oss-tagging': 'a=b' } });
    expect(put.res.status).toBe(200);
    expect((await root.getObjectTagging('team/tagged2.txt')).tag).toEqual({ a: 'b' });
  });

  it('lets an explicit Deny win over Allow', async () => {
    const creds = await createUserWithPolicy(ts, user('denied'), {
      Version: '1',
      Statement: [
        { Effect: 'Allow', Action: 'oss:*', Resource: '*' },
        { Effect: 'Deny', Action: 'oss:DeleteObject', Resource: `acs:oss:*:*:${bucket}/*` },
      ],
    });
    const c = ts.anyClient({ v4, bucket, ...creds });
    expect((await c.get('pub.txt')).res.status).toBe(200);
    await denied(c.delete('pub.txt'));
    expect((await root.head('pub.txt')).status).toBe(200);
  });

  it('applies a bucket policy granting another user, and manages policies over the wire', async () => {
    const creds = await createUserWithPolicy(ts, user('guest'));
    const c = ts.anyClient({ v4, bucket, ...creds });
    await denied(c.get('team/a.txt'));
    const policyClient = ts.anyClient({ v4 }) as unknown as PolicyClient;
    // ali-oss sets successStatuses after the call, so a 404 comes back as { status: 404, policy: null }.
    expect(await policyClient.getBucketPolicy(bucket)).toMatchObject({ status: 404, policy: null });
    const raw = await signedRawRequest(ts, { method: 'GET', bucket, subresources: { policy: '' }, v4 });
    expect(raw.status).toBe(404);
    expect(raw.text).toContain('<Code>NoSuchBucketPolicy</Code>');
    const policy = {
      Version: '1',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['oss:GetObject'],
          Principal: [creds.userId],
          Resource: [`acs:oss:*:*:${bucket}/team/*`],
        },
      ],
    };
    expect((await policyClient.putBucketPolicy(bucket, policy)).status).toBe(200);
    expect((await policyClient.getBucketPolicy(bucket)).policy).toEqual(policy);
    expect((await c.get('team/a.txt')).content.toString()).toBe('team/a.txt');
    await denied(c.get('other/b.txt'));
    await denied(c.put('team/a.txt', Buffer.from('overwrite')));
    expect((await policyClient.deleteBucketPolicy(bucket)).status).toBe(204);
    await denied(c.get('team/a.txt'));
  });

  it('rejects an invalid bucket policy with 400 and the reason', async () => {
    const policyClient = ts.anyClient({ v4 }) as unknown as PolicyClient;
    const bad = {
      Version: '1',
      Statement: [{ Effect: 'Maybe', Action: 'oss:GetObject', Principal: ['*'], Resource: '*' }],
    };
    const e = await failure(policyClient.putBucketPolicy(bucket, bad));
    expect(e).toMatchObject({ code: 'InvalidArgument', status: 400 });
    expect((e as { message?: string }).message).toMatch(/Effect/);
  });

  it('lets anonymous callers read public-read buckets and public-read objects only', async () => {
    await rawRequest(ts.url, { path: `/${bucket}/pub.txt` }).then((r) => expect(r.status).toBe(403));
    await root.putACL('pub.txt', 'public-read');
    const one = await rawRequest(ts.url, { path: `/${bucket}/pub.txt` });
    expect(one.status).toBe(200);
    expect(one.text).toBe('pub.txt');
    expect((await rawRequest(ts.url, { path: `/${bucket}/team/a.txt` })).status).toBe(403);
    await ts.anyClient({ v4 }).putBucketACL(bucket, 'public-read');
    expect((await rawRequest(ts.url, { path: `/${bucket}/team/a.txt` })).status).toBe(200);
    const put = await rawRequest(ts.url, { method: 'PUT', path: `/${bucket}/anon.txt`, body: 'x' });
    expect(put.status).toBe(403);
    await ts.anyClient({ v4 }).putBucketACL(bucket, 'private');
    expect((await rawRequest(ts.url, { path: `/${bucket}/team/a.txt` })).status).toBe(403);
  });
});
