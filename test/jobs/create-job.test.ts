import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TRUST_ECS,
  createBody,
  createJob,
  createJobsEnv,
  fail,
  ok,
  parse,
  type JobsEnv,
} from './jobs-env.js';
import { INVALID, LOC, csvSpec, manifest, report, tag, tagOp } from './create-job-cases.js';

describe('CreateJob validation', () => {
  let env: JobsEnv;
  beforeAll(async () => {
    env = await createJobsEnv();
    await env.iamAdmin.createRole({ roleName: 'EcsRole', assumeRolePolicyDocument: TRUST_ECS });
  });
  afterAll(async () => {
    await env.close();
  });

  for (const [name, parts, message] of INVALID) {
    it(`${name} → 400 InvalidArgument`, async () => {
      const err = await fail(env, 'createJob', {}, createBody(env.roleArn, parts));
      expect({ code: err.code, status: err.status, ec: err.ec, message: err.message }).toEqual({
        code: 'InvalidArgument',
        status: 400,
        ec: '0016-00000001',
        message,
      });
    });
  }

  const ROLE_CASES: [string, string | undefined, string][] = [
    ['missing', undefined, 'RoleArn is required.'],
    ['empty', '<RoleArn> </RoleArn>', 'RoleArn is required.'],
    [
      'not an ARN',
      '<RoleArn>BatchRole</RoleArn>',
      '"BatchRole" is not a RAM role ARN of the form acs:ram::<account-id>:role/<role-name>.',
    ],
  ];
  for (const [name, element, why] of ROLE_CASES) {
    it(`RoleArn ${name} → InvalidArgument EC 0017-00001009`, async () => {
      const err = await fail(env, 'createJob', {}, createBody(env.roleArn, { RoleArn: element }));
      expect([err.code, err.status, err.ec]).toEqual(['InvalidArgument', 400, '0017-00001009']);
      expect(err.message).toBe(`The value of the CreateJobRequest/RoleArn node is invalid. ${why}`);
    });
  }

  it('RoleArn of a missing role, another account, or a role not trusting OSS → EC 0017-00001009', async () => {
    const cases: [string, string][] = [
      [
        `acs:ram::${env.accountId}:role/NoSuchRole`,
        `The role acs:ram::${env.accountId}:role/NoSuchRole does not exist in account ${env.accountId}.`,
      ],
      [
        'acs:ram::999999:role/BatchRole',
        `The role acs:ram::999999:role/BatchRole does not exist in account ${env.accountId}.`,
      ],
      [
        `acs:ram::${env.accountId}:role/EcsRole`,
        `The role acs:ram::${env.accountId}:role/EcsRole does not trust the OSS service (oss.aliyuncs.com) to assume it.`,
      ],
    ];
    for (const [arn, why] of cases) {
      const err = await fail(env, 'createJob', {}, createBody(arn));
      expect([err.code, err.status, err.ec, err.message]).toEqual([
        'InvalidArgument',
        400,
        '0017-00001009',
        `The value of the CreateJobRequest/RoleArn node is invalid. ${why}`,
      ]);
    }
  });

  it('accepts the role ARN with an arn: prefix', async () => {
    const xml = await ok(env, 'createJob', {}, createBody(`arn:${env.roleArn}`));
    expect(xml).toMatch(/<CreateJobResult><JobId>[A-Za-z0-9+/]{43}=<\/JobId><\/CreateJobResult>$/);
  });

  it('missing buckets → 404 NoSuchBucket naming the bucket and the element', async () => {
    const cases: [Record<string, string | undefined>, string, string][] = [
      [
        { Manifest: manifest('<Bucket>nope</Bucket><Object>m.csv</Object>') },
        'nope',
        'Manifest/Location/Bucket',
      ],
      [{ Report: report('<Bucket>gone</Bucket><Enabled>true</Enabled>') }, 'gone', 'Report/Bucket'],
      [
        {
          Manifest: undefined,
          KeyPrefixManifestGenerator:
            '<KeyPrefixManifestGenerator><SourceBucket>void</SourceBucket></KeyPrefixManifestGenerator>',
        },
        'void',
        'KeyPrefixManifestGenerator/SourceBucket',
      ],
    ];
    for (const [parts, bucket, where] of cases) {
      const err = await fail(env, 'createJob', {}, createBody(env.roleArn, parts));
      expect([err.code, err.status, err.ec, err.details]).toEqual([
        'NoSuchBucket',
        404,
        '0015-00000101',
        { BucketName: bucket },
      ]);
      expect(err.message).toBe(`The bucket ${bucket} named by CreateJobRequest/${where} does not exist.`);
    }
  });

  it('a disabled report does not need an existing bucket', async () => {
    await ok(
      env,
      'createJob',
      {},
      createBody(env.roleArn, { Report: report('<Bucket>gone</Bucket><Enabled>false</Enabled>') }),
    );
  });

  it('missing manifest object → 404 NoSuchKey; missing version → 404 NoSuchVersion', async () => {
    const err = await fail(
      env,
      'createJob',
      {},
      createBody(env.roleArn, { Manifest: manifest('<Bucket>manifests</Bucket><Object>none.csv</Object>') }),
    );
    expect([err.code, err.status, err.details]).toEqual(['NoSuchKey', 404, { Key: 'none.csv' }]);
    expect(err.message).toBe(
      'The manifest object none.csv named by CreateJobRequest/Manifest/Location does not exist in bucket manifests.',
    );
    const v = await fail(
      env,
      'createJob',
      {},
      createBody(env.roleArn, { Manifest: manifest(`${LOC}<VersionId>v-old</VersionId>`) }),
    );
    expect([v.code, v.status]).toEqual(['NoSuchVersion', 404]);
  });

  it('accepts a manifest ETag that does not match: the planner fails the job (test/engine/manifest-csv.test.ts), not the call', async () => {
    await ok(
      env,
      'createJob',
      {},
      createBody(env.roleArn, { Manifest: manifest(`<ETag>00000000000000000000000000000000</ETag>${LOC}`) }),
    );
  });

  it('malformed XML and a wrong root → 400 MalformedXML', async () => {
    for (const body of ['<CreateJobRequest><Operation>', '<CreateJob></CreateJob>', '']) {
      const err = await fail(env, 'createJob', {}, body);
      expect([err.code, err.status]).toEqual(['MalformedXML', 400]);
    }
  });

  it('accepts a namespace, indentation, unknown elements, and the spec §2.4 SDK examples', async () => {
    const pretty = `<?xml version="1.0" encoding="UTF-8"?>
<CreateJobRequest xmlns="http://doc.oss-cn-hangzhou.aliyuncs.com">
  <Operation>
    <DeleteObjectTagging>
    </DeleteObjectTagging>
  </Operation>
  <FutureThing><X>1</X></FutureThing>
  <KeyPrefixManifestGenerator>
    <SourceBucket>source</SourceBucket>
  </KeyPrefixManifestGenerator>
  <Priority>
    7
  </Priority>
  <RoleArn>${env.roleArn}</RoleArn>
</CreateJobRequest>`;
    await ok(env, 'createJob', {}, pretty);
    const goCsv = `<CreateJobRequest><Operation><PutObjectTagging><TagSet><Tag><Key>key1</Key><Value>value1</Value></Tag></TagSet></PutObjectTagging></Operation><ClientRequestToken>unique-token-123</ClientRequestToken><Manifest><Location><ETag>d41d8cd98f00b204e9800998ecf8427e</ETag><Bucket>manifests</Bucket><Object>manifest.csv</Object></Location><Spec><Fields>Bucket,Key</Fields><Format>OSS_BatchOperations_CSV_20250611</Format></Spec></Manifest><Description>批量设置对象标签任务</Description><Priority>10</Priority><RoleArn>${env.roleArn}</RoleArn></CreateJobRequest>`;
    await ok(env, 'createJob', {}, goCsv);
    const goPrefix = `<CreateJobRequest><Operation><DeleteObjectTagging></DeleteObjectTagging></Operation><Report><Bucket>reports</Bucket><Enabled>true</Enabled><Prefix>batch-reports/</Prefix><ReportScope>AllTasks</ReportScope></Report><KeyPrefixManifestGenerator><SourceBucket>source</SourceBucket><Prefix>batch-manifests/</Prefix></KeyPrefixManifestGenerator><Priority>10</Priority><RoleArn>${env.roleArn}</RoleArn></CreateJobRequest>`;
    await ok(env, 'createJob', {}, goPrefix);
  });

  it('applies defaults: Priority 0, ConfirmationRequired false, Fields Bucket,Key, Days 1, no report', async () => {
    const jobId = await createJob(env, {
      Priority: undefined,
      ConfirmationRequired: undefined,
      Report: undefined,
      Description: undefined,
      Operation: '<Operation><RestoreObject/></Operation>',
      Manifest: manifest(LOC),
    });
    const job = await env.repo.getJobById(jobId);
    expect(job?.spec).toEqual({
      confirmationRequired: false,
      operation: { kind: 'RestoreObject', days: 1 },
      report: { enabled: false, scope: 'AllTasks' },
      manifest: {
        bucket: 'manifests',
        object: 'manifest.csv',
        format: 'OSS_BatchOperations_CSV_20250611',
        fields: 'Bucket,Key',
      },
      description: '',
      priority: 0,
      roleArn: env.roleArn,
    });
    expect([job?.status, job?.priority]).toEqual(['New', 0]);
  });

  it('normalises Fields with spaces and an Ignore column; accepts the limits exactly', async () => {
    const jobId = await createJob(env, {
      Manifest: manifest(LOC, csvSpec(' Bucket , Ignore, Key ,VersionId')),
      Priority: '<Priority>2147483647</Priority>',
      Description: `<Description>${'描'.repeat(256)}</Description>`,
      ClientRequestToken: `<ClientRequestToken>${'t'.repeat(64)}</ClientRequestToken>`,
      Operation: tagOp(Array.from({ length: 10 }, (_, i) => tag(`k${i}`, 'v'.repeat(256))).join('')),
    });
    const job = await env.repo.getJobById(jobId);
    expect([job?.spec.manifest?.fields, job?.priority, job?.spec.description.length]).toEqual([
      'Bucket,Ignore,Key,VersionId',
      2147483647,
      256,
    ]);
  });

  it('commits the job before replying and tells the engine', async () => {
    env.changes.length = 0;
    const jobId = await createJob(env);
    expect((await env.repo.getJobById(jobId))?.status).toBe('New');
    expect(env.changes).toEqual([jobId]);
  });
});

describe('CreateJob idempotency (ClientRequestToken)', () => {
  let env: JobsEnv;
  beforeAll(async () => {
    env = await createJobsEnv();
  });
  afterAll(async () => {
    await env.close();
  });
  const TOKEN = '<ClientRequestToken>unique-token-123</ClientRequestToken>';

  it('same token and same request → same JobId, one job, one wake-up; other whitespace is the same request', async () => {
    env.changes.length = 0;
    const first = await createJob(env, { ClientRequestToken: TOKEN });
    const second = await createJob(env, { ClientRequestToken: TOKEN });
    const spaced = createBody(env.roleArn, {
      ClientRequestToken: TOKEN,
      Priority: '<Priority> 10 </Priority>',
    }).replace(/></g, '>\n  <');
    const third = parse(await ok(env, 'createJob', {}, spaced), 'CreateJobResult')['JobId'];
    expect([second, third]).toEqual([first, first]);
    expect((await env.repo.listJobs({ accountId: env.accountId, limit: 10 })).map((j) => j.jobId)).toEqual([
      first,
    ]);
    expect(env.changes).toEqual([first]);
  });

  it('same token and a different request → 409 IdempotentParameterMismatch', async () => {
    const err = await fail(
      env,
      'createJob',
      {},
      createBody(env.roleArn, { ClientRequestToken: TOKEN, Priority: '<Priority>11</Priority>' }),
    );
    expect([err.code, err.status, err.ec]).toEqual(['IdempotentParameterMismatch', 409, '0017-00000409']);
  });

  it('without a token every request creates a new job', async () => {
    const a = await createJob(env);
    const b = await createJob(env);
    expect(a).not.toBe(b);
  });

  it('the manifest object still has to exist on a retry with a fresh bucket state', async () => {
    await env.store.putObject({
      bucket: 'manifests',
      key: 'later.csv',
      body: Readable.from([Buffer.from('x,y\n')]),
    });
    const parts = {
      ClientRequestToken: '<ClientRequestToken>t2</ClientRequestToken>',
      Manifest: manifest('<Bucket>manifests</Bucket><Object>later.csv</Object>'),
    };
    expect(await createJob(env, parts)).toBe(await createJob(env, parts));
  });
});
