import { OssError, invalidArgument } from '../../protocol/oss-error.js';
import { parseXmlBody, text, toXml } from '../../protocol/xml.js';
import {
  BUCKET_ACLS,
  STORAGE_CLASSES,
  type BucketAcl,
  type BucketInfo,
  type StorageClass,
} from '../../store/types.js';
import { callerAccount, header, type OpContext } from '../context.js';
import { emptyResponse, xmlResponse, type OssResponse } from '../response.js';

const iso = (ms: number): string => new Date(ms).toISOString();

const owner = (id: string): { ID: string; DisplayName: string } => ({ ID: id, DisplayName: id });

function endpoints(region: string): { ExtranetEndpoint: string; IntranetEndpoint: string } {
  return {
    ExtranetEndpoint: `oss-${region}.aliyuncs.com`,
    IntranetEndpoint: `oss-${region}-internal.aliyuncs.com`,
  };
}

export function parseBucketAcl(value: string | undefined, fallback: BucketAcl | undefined): BucketAcl {
  if (value === undefined || value === '') {
    if (fallback !== undefined) return fallback;
    throw invalidArgument('The x-oss-acl header is required.', { ArgumentName: 'x-oss-acl' });
  }
  if (!(BUCKET_ACLS as readonly string[]).includes(value)) {
    throw invalidArgument(`The ACL "${value}" is not valid.`, {
      ArgumentName: 'x-oss-acl',
      ArgumentValue: value,
    });
  }
  return value as BucketAcl;
}

export function parseStorageClass(value: string | undefined): StorageClass | undefined {
  if (value === undefined || value === '') return undefined;
  const found = STORAGE_CLASSES.find((c) => c.toLowerCase() === value.toLowerCase());
  if (found === undefined)
    throw invalidArgument(`The storage class "${value}" is not valid.`, { ArgumentValue: value });
  return found;
}

/** GET / (spec: `<ListAllMyBucketsResult>`), with the prefix / marker / max-keys filters OSS offers. */
export async function listBuckets(ctx: OpContext): Promise<OssResponse> {
  const account = callerAccount(ctx.principal) ?? '';
  const q = ctx.target.query;
  const prefix = q.get('prefix') ?? '';
  const marker = q.get('marker') ?? '';
  const maxKeys = q.has('max-keys') ? Number(q.get('max-keys')) : 1000;
  if (!Number.isInteger(maxKeys) || maxKeys < 1 || maxKeys > 1000)
    throw invalidArgument('max-keys must be 1..1000.');
  const all = (await ctx.deps.store.listBuckets(account)).filter(
    (b) => b.name.startsWith(prefix) && b.name > marker,
  );
  all.sort((a, b) => (a.name < b.name ? -1 : 1));
  const page = all.slice(0, maxKeys);
  const truncated = all.length > maxKeys;
  const xml = toXml('ListAllMyBucketsResult', {
    Prefix: q.has('prefix') ? prefix : undefined,
    Marker: q.has('marker') ? marker : undefined,
    MaxKeys: q.has('max-keys') ? maxKeys : undefined,
    IsTruncated: q.has('max-keys') ? truncated : undefined,
    NextMarker: truncated ? page[page.length - 1]?.name : undefined,
    Owner: owner(account),
    Buckets: {
      Bucket: page.map((b) => ({
        CreationDate: iso(b.createdAt),
        ...endpoints(b.region),
        Location: `oss-${b.region}`,
        Name: b.name,
        Region: b.region,
        StorageClass: b.storageClass,
      })),
    },
  });
  return xmlResponse(xml);
}

/** PUT /<bucket>/: x-oss-acl header, optional `<CreateBucketConfiguration><StorageClass>`. */
export async function putBucket(ctx: OpContext): Promise<OssResponse> {
  const name = ctx.target.bucket ?? '';
  const acl = parseBucketAcl(header(ctx, 'x-oss-acl'), 'private');
  const body = await ctx.readBody();
  let storageClass: StorageClass = 'Standard';
  if (body.length > 0) {
    const root = parseXmlBody(body, 'CreateBucketConfiguration');
    storageClass = parseStorageClass(text(root, 'StorageClass')) ?? 'Standard';
  }
  const existing = await ctx.deps.store.getBucket(name);
  if (existing !== undefined) {
    throw new OssError('BucketAlreadyExists', undefined, { details: { BucketName: name } });
  }
  await ctx.deps.store.createBucket({ name, owner: callerAccount(ctx.principal) ?? '', acl, storageClass });
  ctx.deps.buckets.invalidate(name);
  return emptyResponse(200, { Location: `/${name}` });
}

export async function deleteBucket(ctx: OpContext): Promise<OssResponse> {
  const name = ctx.target.bucket ?? '';
  try {
    await ctx.deps.store.deleteBucket(name);
  } finally {
    ctx.deps.buckets.invalidate(name);
  }
  return emptyResponse(204);
}

function bucketOf(ctx: OpContext): BucketInfo {
  if (ctx.bucket === undefined) throw new OssError('InternalError', 'bucket not loaded');
  return ctx.bucket;
}

export async function getBucketAcl(ctx: OpContext): Promise<OssResponse> {
  const b = bucketOf(ctx);
  const xml = toXml('AccessControlPolicy', { Owner: owner(b.owner), AccessControlList: { Grant: b.acl } });
  return Promise.resolve(xmlResponse(xml));
}

export async function putBucketAcl(ctx: OpContext): Promise<OssResponse> {
  const acl = parseBucketAcl(header(ctx, 'x-oss-acl'), undefined);
  const name = bucketOf(ctx).name;
  try {
    await ctx.deps.store.setBucketAcl(name, acl);
  } finally {
    ctx.deps.buckets.invalidate(name);
  }
  // OSS answers PutBucketAcl like PutBucket, with the bucket's Location (issue 9, wire fix 6).
  return emptyResponse(200, { Location: `/${name}` });
}

/** GET /<bucket>/?bucketInfo → `<BucketInfo><Bucket>…` */
export async function getBucketInfo(ctx: OpContext): Promise<OssResponse> {
  const b = bucketOf(ctx);
  const xml = toXml('BucketInfo', {
    Bucket: {
      AccessMonitor: 'Disabled',
      CreationDate: iso(b.createdAt),
      ...endpoints(b.region),
      Location: `oss-${b.region}`,
      StorageClass: b.storageClass,
      TransferAcceleration: 'Disabled',
      CrossRegionReplication: 'Disabled',
      Name: b.name,
      Region: b.region,
      DataRedundancyType: 'LRS',
      Owner: owner(b.owner),
      AccessControlList: { Grant: b.acl },
      // OSS lists the versioning status once it was ever set (absent before).
      Versioning: b.versioning,
      Comment: '',
      BucketPolicy: { LogBucket: '', LogPrefix: '' },
    },
  });
  return Promise.resolve(xmlResponse(xml));
}
