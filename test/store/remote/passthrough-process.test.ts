import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseXmlBody } from '../../../src/protocol/xml.js';
import { jobRequest, makeClient, type LooseOss } from '../../helpers/server.js';
import { TRUST_OSS } from '../../jobs/jobs-env.js';
import { cleanEnv, runCli, type ServerProcess } from './cli-process.js';
import { BACK_KEY, startFrontAndBack, type FrontAndBack } from './front-back.js';

/**
 * Multipart uploads, versioning and GetBucketStat passed through a front `ossbatch server --store oss+…`
 * to another ossbatch process (the remote store), both real processes, driven by ali-oss. What the front
 * answers is checked against what the back holds, read with the back's own client.
 */
const FRONT_KEY = { accessKeyId: 'LTAIfrontroot000002', secret: 'front-secret-000000000000000000002' };
const MiB = 1024 * 1024;

let tmp: string;
let back: ServerProcess;
let front: ServerProcess;
let frontDir: string;

let procs: FrontAndBack | undefined;

beforeAll(async () => {
  procs = await startFrontAndBack({
    prefix: 'passthrough',
    frontKey: FRONT_KEY,
  });
  ({ back, front, frontDir, tmp } = procs);
}, 90_000);

afterAll(async () => {
  await procs?.stop();
});

const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex');

describe('multipart uploads through a front ossbatch', () => {
  for (const v4 of [false, true]) {
    it(`ali-oss multipartUpload of 20 MiB lands byte-exact in the remote store (${v4 ? 'V4' : 'V1'})`, async () => {
      const bucket = v4 ? 'mp-v4' : 'mp-v1';
      await makeClient(front.port, FRONT_KEY, { v4 }).putBucket(bucket);
      const c: LooseOss = makeClient(front.port, FRONT_KEY, { v4, bucket });
      const data = randomBytes(20 * MiB);
      const file = path.join(tmp, `big-${bucket}.bin`);
      fs.writeFileSync(file, data);
      await c.multipartUpload('big/file.bin', file, {
        partSize: 4 * MiB,
        parallel: 3,
        mime: 'application/x-big',
      });
      const direct: LooseOss = makeClient(back.port, BACK_KEY, { bucket });
      const got = await direct.get('big/file.bin');
      expect(got.content.length).toBe(data.length);
      expect(md5(got.content)).toBe(md5(data));
      // The object ETag is the store's multipart ETag (5 parts), as the front reports it too.
      const head = await c.head('big/file.bin');
      expect(head.res.headers.etag).toMatch(/^"[0-9A-F]{32}-5"$/);
      expect(head.res.headers['content-type']).toBe('application/x-big');
      expect(await direct.listUploads({})).toMatchObject({ uploads: [] });
    }, 120_000);
  }

  it('parts, ListParts, ListMultipartUploads (with prefixes) and Abort are the store’s; abort leaves nothing', async () => {
    await makeClient(front.port, FRONT_KEY).putBucket('mp-abort');
    const c: LooseOss = makeClient(front.port, FRONT_KEY, { bucket: 'mp-abort' });
    const direct: LooseOss = makeClient(back.port, BACK_KEY, { bucket: 'mp-abort' });
    const a = await c.initMultipartUpload('dir/a.bin');
    const b = await c.initMultipartUpload('top.bin');
    const part = randomBytes(200 * 1024);
    const p1 = await c.uploadPart('dir/a.bin', a.uploadId, 1, writeTmp(part), 0, part.length);
    expect(p1.etag).toBe(`"${md5(part).toUpperCase()}"`);
    // Upload ids are the store's own: the back lists the same ids, the front lists them with prefixes.
    const backIds = ((await direct.listUploads({})).uploads as { uploadId: string }[]).map((u) => u.uploadId);
    expect(backIds.sort()).toEqual([a.uploadId, b.uploadId].sort());
    const listed = await c.listUploads({ delimiter: '/' });
    expect(listed.uploads.map((u: { name: string }) => u.name)).toEqual(['top.bin']);
    const parts = await c.listParts('dir/a.bin', a.uploadId);
    // ali-oss parses with explicitArray: false: one part arrives as an object, not a list.
    const partList = [parts.parts].flat() as { PartNumber: string; Size: string }[];
    expect(partList.map((p) => [p.PartNumber, p.Size])).toEqual([['1', String(part.length)]]);
    // Complete naming a part with another part's ETag: the store's InvalidPart reaches the client unchanged.
    await c.uploadPart('dir/a.bin', a.uploadId, 2, writeTmp(randomBytes(10)), 0, 10);
    await expect(
      c.completeMultipartUpload('dir/a.bin', a.uploadId, [
        { number: 1, etag: p1.etag },
        { number: 2, etag: p1.etag },
      ]),
    ).rejects.toMatchObject({ status: 400, code: 'InvalidPart' });
    for (const [key, id] of [
      ['dir/a.bin', a.uploadId],
      ['top.bin', b.uploadId],
    ])
      await c.abortMultipartUpload(key, id);
    expect((await direct.listUploads({})).uploads).toEqual([]);
    await expect(c.listParts('dir/a.bin', a.uploadId)).rejects.toMatchObject({ code: 'NoSuchUpload' });
    expect((await direct.list({}, {})).objects ?? []).toEqual([]);
  }, 60_000);
});

function writeTmp(b: Buffer): string {
  const f = path.join(tmp, `part-${randomBytes(4).toString('hex')}`);
  fs.writeFileSync(f, b);
  return f;
}

describe('versioning through a front ossbatch', () => {
  it('turns versioning on in the store, lists and reads versions by the store’s ids, hides keys with markers', async () => {
    await makeClient(front.port, FRONT_KEY).putBucket('ver');
    const root: LooseOss = makeClient(front.port, FRONT_KEY);
    const c: LooseOss = makeClient(front.port, FRONT_KEY, { bucket: 'ver' });
    const direct: LooseOss = makeClient(back.port, BACK_KEY, { bucket: 'ver' });
    await root.putBucketVersioning('ver', 'Enabled');
    expect((await direct.getBucketVersioning('ver')).versionStatus).toBe('Enabled');
    expect((await root.getBucketVersioning('ver')).versionStatus).toBe('Enabled');
    const v1 = (await c.put('k', Buffer.from('one'))).res.headers['x-oss-version-id'] as string;
    const v2 = (await c.put('k', Buffer.from('two'))).res.headers['x-oss-version-id'] as string;
    expect(v1).toMatch(/^CAEQ/);
    expect(v2).not.toBe(v1);
    const backVersions = (await direct.getBucketVersions({ prefix: 'k' })).objects.map(
      (o: { versionId: string }) => o.versionId,
    );
    expect(backVersions).toEqual([v2, v1]);
    const listed = await c.getBucketVersions({ 'max-keys': 1 });
    expect(listed.objects.map((o: { versionId: string }) => o.versionId)).toEqual([v2]);
    expect(listed.nextVersionIdMarker).toBe(v2);
    const next = await c.getBucketVersions({ keyMarker: 'k', versionIdMarker: v2 });
    expect(
      next.objects.map((o: { versionId: string; isLatest: boolean }) => [o.versionId, o.isLatest]),
    ).toEqual([[v1, false]]);
    expect((await c.get('k', { versionId: v1 })).content.toString()).toBe('one');
    expect((await c.get('k')).content.toString()).toBe('two');
    // CopyObject from a named version copies that version, not the current one.
    await c.copy('copy-of-v1', 'k', 'ver', { versionId: v1 });
    expect((await direct.get('copy-of-v1')).content.toString()).toBe('one');
    await c.putObjectTagging('k', { old: 'yes' }, { versionId: v1 });
    expect((await direct.getObjectTagging('k', { versionId: v1 })).tag).toEqual({ old: 'yes' });
    expect((await direct.getObjectTagging('k', { versionId: v2 })).tag).toEqual({});
    // DELETE without a version: a delete marker in the store, a 404 with the marker headers at the front.
    const del = await c.delete('k');
    expect(del.res.headers['x-oss-delete-marker']).toBe('true');
    const marker = del.res.headers['x-oss-version-id'] as string;
    await expect(c.head('k')).rejects.toMatchObject({ status: 404 });
    const markers = (await direct.getBucketVersions({ prefix: 'k' })).deleteMarker.map(
      (m: { versionId: string }) => m.versionId,
    );
    expect(markers).toEqual([marker]);
    await expect(c.get('k', { versionId: 'CAEQnotthere0000000000000000000000000' })).rejects.toMatchObject({
      status: 404,
      code: 'NoSuchVersion',
    });
    // Removing the marker by id brings v2 back; removing v1 by id removes exactly that version.
    await c.delete('k', { versionId: marker });
    await c.delete('k', { versionId: v1 });
    expect((await c.get('k')).content.toString()).toBe('two');
    expect(
      (await direct.getBucketVersions({ prefix: 'k' })).objects.map(
        (o: { versionId: string }) => o.versionId,
      ),
    ).toEqual([v2]);
  }, 60_000);

  it('GetBucketStat is the store’s own answer', async () => {
    await makeClient(front.port, FRONT_KEY).putBucket('stat');
    const c: LooseOss = makeClient(front.port, FRONT_KEY, { bucket: 'stat' });
    await c.put('a', Buffer.from('12345'));
    await c.put('b', Buffer.from('123'), { headers: { 'x-oss-storage-class': 'IA' } });
    const stat = (await c.getBucketStat('stat')).stat;
    expect(stat).toMatchObject({
      Storage: '8',
      ObjectCount: '2',
      StandardStorage: '5',
      InfrequentAccessObjectCount: '1',
    });
  });
});

describe('a batch job whose manifest names versions, on the OSS adapter', () => {
  it('tags exactly the two named versions of one key, and the report records them', async () => {
    const env = cleanEnv();
    const ram = (...args: string[]) => {
      const r = runCli(['ram', ...args, '--data-dir', frontDir], env);
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as Record<string, string>;
    };
    const role = ram(
      'create-role',
      '--role-name',
      'versioned-tagger',
      '--assume-role-policy-document',
      TRUST_OSS,
    );
    ram(
      'create-policy',
      '--policy-name',
      'versioned-tagging',
      '--policy-document',
      JSON.stringify({
        Version: '1',
        Statement: [
          {
            Effect: 'Allow',
            Action: [
              'oss:GetObject',
              'oss:GetObjectVersion',
              'oss:PutObjectTagging',
              'oss:PutObjectVersionTagging',
              'oss:PutObject',
            ],
            Resource: ['acs:oss:*:*:*'],
          },
        ],
      }),
    );
    ram('attach-policy-to-role', '--policy-name', 'versioned-tagging', '--role-name', 'versioned-tagger');
    const root: LooseOss = makeClient(front.port, FRONT_KEY);
    for (const b of ['vdata', 'vjobs']) await root.putBucket(b);
    await root.putBucketVersioning('vdata', 'Enabled');
    const data: LooseOss = makeClient(front.port, FRONT_KEY, { bucket: 'vdata' });
    const ids: string[] = [];
    for (const body of ['first', 'second', 'third'])
      ids.push((await data.put('doc.txt', Buffer.from(body))).res.headers['x-oss-version-id'] as string);
    const [first, second, third] = ids as [string, string, string];
    const jobs: LooseOss = makeClient(front.port, FRONT_KEY, { bucket: 'vjobs' });
    await jobs.put('m.csv', Buffer.from(`vdata,doc.txt,${first}\nvdata,doc.txt,${second}\n`));
    const body =
      '<?xml version="1.0" encoding="UTF-8"?><CreateJobRequest><ConfirmationRequired>false</ConfirmationRequired>' +
      '<Operation><PutObjectTagging><TagSet><Tag><Key>audited</Key><Value>yes</Value></Tag></TagSet></PutObjectTagging></Operation>' +
      '<Report><Bucket>vjobs</Bucket><Enabled>true</Enabled><Prefix>r/</Prefix><ReportScope>AllTasks</ReportScope></Report>' +
      '<Manifest><Location><Bucket>vjobs</Bucket><Object>m.csv</Object></Location>' +
      '<Spec><Fields>Bucket,Key,VersionId</Fields><Format>OSS_BatchOperations_CSV_20250611</Format></Spec></Manifest>' +
      `<Priority>10</Priority><RoleArn>${role.Arn}</RoleArn></CreateJobRequest>`;
    const created = await jobRequest(root, 'CreateJob', { body });
    expect(created.status, created.xml).toBe(200);
    const jobId = parseXmlBody(created.xml, 'CreateJobResult')['JobId'] as string;
    let job: Record<string, unknown> = {};
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const d = await jobRequest(root, 'DescribeJob', { jobId });
      job = parseXmlBody(d.xml, 'DescribeJobResult')['Job'] as Record<string, unknown>;
      if (job['Status'] === 'Complete' || job['Status'] === 'Failed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(job['Status']).toBe('Complete');
    expect(job['ProgressSummary']).toMatchObject({ NumberOfTasksSucceeded: '2', NumberOfTasksFailed: '0' });
    // In the store itself: the two named versions carry the tag, the current one does not.
    const direct: LooseOss = makeClient(back.port, BACK_KEY, { bucket: 'vdata' });
    for (const [id, want] of [
      [first, { audited: 'yes' }],
      [second, { audited: 'yes' }],
      [third, {}],
    ] as const)
      expect((await direct.getObjectTagging('doc.txt', { versionId: id })).tag).toEqual(want);
    const reports = (
      await (makeClient(back.port, BACK_KEY, { bucket: 'vjobs' }) as LooseOss).list({ prefix: 'r/' }, {})
    ).objects;
    const csvs = await Promise.all(
      (reports as { name: string }[])
        .filter((o) => o.name.endsWith('.csv'))
        .map(async (o) => (await jobs.get(o.name)).content.toString() as string),
    );
    const rows = csvs
      .join('')
      .split('\n')
      .filter((l) => l.includes('doc.txt'));
    expect(rows).toHaveLength(2);
    expect(rows.some((r) => r.includes(first))).toBe(true);
    expect(rows.some((r) => r.includes(second))).toBe(true);
  }, 90_000);
});
