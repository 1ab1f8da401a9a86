import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { GetObjectCommand, ListObjectsCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type LooseOss, type TestServer } from '../../helpers/server.js';
import { S3RVER_KEY, startS3rver, type RunningS3rver } from './s3rver-store.js';
import { startThrottlingProxy } from './throttling-proxy.js';

/**
 * ali-oss `multipartUpload` through an ossbatch whose store is s3rver: Initiate, UploadPart and Complete are
 * passed through to S3 (s3rver implements those three), and the object lands byte-exact in the store.
 */
const MiB = 1024 * 1024;
let s3: RunningS3rver;
let front: TestServer;
let proxy: Awaited<ReturnType<typeof startThrottlingProxy>>;

beforeAll(async () => {
  s3 = await startS3rver();
  // Counts the UploadPart requests on their way to s3rver (none throttled).
  proxy = await startThrottlingProxy(s3.port, 0, (req) => /[?&]partNumber=/.test(req.url ?? ''));
  front = await startTestServer({
    config: {
      store: `s3+http://127.0.0.1:${proxy.port}`,
      storeAccessKeyId: S3RVER_KEY.id,
      storeAccessKeySecret: S3RVER_KEY.secret,
    },
  });
}, 60_000);

afterAll(async () => {
  await front?.close();
  await proxy?.close();
  await s3?.stop();
});

const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex');

describe('multipart uploads through a front ossbatch over S3 (s3rver)', () => {
  it('ali-oss multipartUpload of 20 MiB in 5 MiB parts lands byte-exact in the store', async () => {
    await front.anyClient().putBucket('s3-mp');
    const c: LooseOss = front.anyClient({ bucket: 's3-mp', v4: true });
    const data = randomBytes(20 * MiB);
    const file = path.join(front.dataDir, 'big.bin');
    fs.writeFileSync(file, data);
    const progress: number[] = [];
    await c.multipartUpload('dir/big.bin', file, {
      partSize: 5 * MiB,
      parallel: 2,
      progress: (p: number) => progress.push(p),
    });
    expect(progress.at(-1)).toBe(1);
    const direct = new S3Client({
      endpoint: s3.url,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: S3RVER_KEY.id, secretAccessKey: S3RVER_KEY.secret },
    });
    try {
      const got = await direct.send(new GetObjectCommand({ Bucket: 's3-mp', Key: 'dir/big.bin' }));
      const bytes = Buffer.from(await got.Body!.transformToByteArray());
      expect(bytes.length).toBe(data.length);
      expect(md5(bytes)).toBe(md5(data));
      // Four parts went to the store as parts (s3rver forms a plain-MD5 ETag for the result, unlike S3).
      expect(proxy.passed()).toBe(4);
      const listed = await direct.send(new ListObjectsCommand({ Bucket: 's3-mp' }));
      expect((listed.Contents ?? []).map((o) => o.Key)).toEqual(['dir/big.bin']);
    } finally {
      direct.destroy();
    }
    const head = await c.head('dir/big.bin');
    expect(Number(head.res.headers['content-length'])).toBe(data.length);
  }, 120_000);
});
