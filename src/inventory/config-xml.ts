import { OssError, malformedXml } from '../protocol/oss-error.js';
import { child, children, parseXmlBody, text, type XmlNode, type XmlOutNode } from '../protocol/xml.js';
import { validateBucketName } from '../protocol/request-target.js';
import {
  INCLUDED_VERSIONS,
  INVENTORY_FREQUENCIES,
  OPTIONAL_FIELDS,
  type IncludedVersions,
  type InventoryConfig,
  type InventoryFilter,
  type InventoryFrequency,
  type OptionalField,
} from './model.js';

/** Ids become a path component of the report keys: letters, digits, `.`, `_`, `-`, at most 64. */
const ID = /^[A-Za-z0-9._-]{1,64}$/;
const ROLE_ARN = /^acs:ram::(\d+):role\/[A-Za-z0-9._-]{1,64}$/;
const DEST_BUCKET = /^acs:oss:::(.*)$/;

/** InvalidArgument with the OSS error code (EC) of the rule that failed (0020-000000xx, OSS error center). */
const bad = (message: string, ec?: string): OssError =>
  new OssError('InvalidArgument', message, ec === undefined ? {} : { ec });

function required(node: XmlNode, name: string, where: string, ec?: string): string {
  const v = text(node, name)?.trim();
  if (v === undefined || v === '') throw bad(`${where}/${name} is required.`, ec);
  return v;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], where: string): T {
  const found = allowed.find((a) => a === value);
  if (found === undefined) throw bad(`${where} must be ${allowed.join(' or ')}, got "${value}".`);
  return found;
}

function optionalInt(node: XmlNode, name: string): number | undefined {
  const v = text(node, name)?.trim();
  if (v === undefined || v === '') return undefined;
  if (!/^\d+$/.test(v)) throw bad(`Filter/${name} must be a non-negative integer, got "${v}".`);
  return Number(v);
}

function parseFilter(root: XmlNode): InventoryFilter {
  const f = child(root, 'Filter') ?? {};
  const classes = text(f, 'StorageClass')?.trim();
  const filter: InventoryFilter = {
    prefix: text(f, 'Prefix') ?? '',
    lastModifyBegin: optionalInt(f, 'LastModifyBeginTimeStamp'),
    lastModifyEnd: optionalInt(f, 'LastModifyEndTimeStamp'),
    lowerSizeBound: optionalInt(f, 'LowerSizeBound'),
    upperSizeBound: optionalInt(f, 'UpperSizeBound'),
    storageClasses: classes ? classes.split(',').map((c) => c.trim()) : undefined,
  };
  const { lastModifyBegin: b, lastModifyEnd: e, lowerSizeBound: lo, upperSizeBound: hi } = filter;
  if (b !== undefined && e !== undefined && b > e)
    throw bad('Filter/LastModifyBeginTimeStamp must not be after LastModifyEndTimeStamp.');
  if (lo !== undefined && hi !== undefined && lo >= hi)
    throw bad('Filter/LowerSizeBound must be below UpperSizeBound.');
  return filter;
}

function parseEncryption(dest: XmlNode): InventoryConfig['destination']['encryption'] {
  const enc = child(dest, 'Encryption');
  if (enc === undefined || Object.keys(enc).length === 0) return undefined;
  if (enc['SSE-OSS'] !== undefined) return 'SSE-OSS';
  const kms = child(enc, 'SSE-KMS');
  if (kms !== undefined) return { kmsKeyId: required(kms, 'KeyId', 'Encryption/SSE-KMS') };
  throw bad('Encryption must hold SSE-OSS or SSE-KMS.');
}

function parseDestination(root: XmlNode, owner: string): InventoryConfig['destination'] {
  const d = child(child(root, 'Destination') ?? {}, 'OSSBucketDestination');
  if (d === undefined) throw malformedXml('<Destination><OSSBucketDestination> is required.');
  const where = 'Destination/OSSBucketDestination';
  const format = required(d, 'Format', where);
  if (format !== 'CSV') throw bad(`${where}/Format must be CSV, got "${format}".`);
  const accountId = required(d, 'AccountId', where, '0020-00000028');
  if (accountId !== owner)
    throw bad(`${where}/AccountId ${accountId} is not the bucket owner's account.`, '0020-00000028');
  const roleArn = required(d, 'RoleArn', where);
  if (!ROLE_ARN.test(roleArn)) throw bad(`${where}/RoleArn "${roleArn}" is not acs:ram::<uid>:role/<name>.`);
  const bucketArn = required(d, 'Bucket', where, '0020-00000032');
  const bucket = DEST_BUCKET.exec(bucketArn)?.[1] ?? '';
  try {
    validateBucketName(bucket);
  } catch {
    throw bad(`${where}/Bucket "${bucketArn}" is not acs:oss:::<bucket-name>.`, '0020-00000032');
  }
  const prefix = text(d, 'Prefix')?.trim() ?? '';
  return { format: 'CSV', accountId, roleArn, bucket, prefix, encryption: parseEncryption(d) };
}

function parseFields(root: XmlNode): OptionalField[] {
  const out: OptionalField[] = [];
  for (const f of children(child(root, 'OptionalFields') ?? {}, 'Field')) {
    const name = typeof f === 'string' ? f.trim() : '';
    if (name === 'Crc64') throw bad('OptionalFields/Field Crc64 is not supported by this server.');
    const field = oneOf(name, OPTIONAL_FIELDS, 'OptionalFields/Field');
    if (!out.includes(field)) out.push(field);
  }
  return out;
}

/**
 * Parses and validates a PutBucketInventory body. `inventoryId` is the query's id, which must equal
 * `<Id>` (EC 0020-00000043); `owner` is the source bucket's account, which AccountId must name.
 */
export function parseInventoryXml(body: Buffer, inventoryId: string, owner: string): InventoryConfig {
  const root = parseXmlBody(body, 'InventoryConfiguration');
  const id = required(root, 'Id', 'InventoryConfiguration', '0020-00000005');
  if (id !== inventoryId)
    throw bad(`The inventoryId parameter "${inventoryId}" differs from <Id> "${id}".`, '0020-00000043');
  if (!ID.test(id)) throw bad(`The inventory Id "${id}" must be 1-64 letters, digits, ".", "_" or "-".`);
  const enabled = required(root, 'IsEnabled', 'InventoryConfiguration');
  if (enabled !== 'true' && enabled !== 'false')
    throw bad(`IsEnabled must be true or false, got "${enabled}".`);
  const schedule = child(root, 'Schedule') ?? {};
  const frequency: InventoryFrequency = oneOf(
    required(schedule, 'Frequency', 'Schedule'),
    INVENTORY_FREQUENCIES,
    'Schedule/Frequency',
  );
  const includedVersions: IncludedVersions = oneOf(
    required(root, 'IncludedObjectVersions', 'InventoryConfiguration'),
    INCLUDED_VERSIONS,
    'IncludedObjectVersions',
  );
  return {
    id,
    isEnabled: enabled === 'true',
    filter: parseFilter(root),
    destination: parseDestination(root, owner),
    frequency,
    includedVersions,
    optionalFields: parseFields(root),
  };
}

function encryptionXml(e: InventoryConfig['destination']['encryption']): XmlOutNode | undefined {
  if (e === undefined) return undefined;
  return e === 'SSE-OSS' ? { 'SSE-OSS': '' } : { 'SSE-KMS': { KeyId: e.kmsKeyId } };
}

/** The `<InventoryConfiguration>` element body, as GetBucketInventory and ListBucketInventory return it. */
export function inventoryXmlNode(c: InventoryConfig): XmlOutNode {
  const f = c.filter;
  return {
    Id: c.id,
    IsEnabled: c.isEnabled,
    Filter: {
      Prefix: f.prefix,
      LastModifyBeginTimeStamp: f.lastModifyBegin,
      LastModifyEndTimeStamp: f.lastModifyEnd,
      LowerSizeBound: f.lowerSizeBound,
      UpperSizeBound: f.upperSizeBound,
      StorageClass: f.storageClasses?.join(','),
    },
    Destination: {
      OSSBucketDestination: {
        Format: c.destination.format,
        AccountId: c.destination.accountId,
        RoleArn: c.destination.roleArn,
        Bucket: `acs:oss:::${c.destination.bucket}`,
        Prefix: c.destination.prefix,
        Encryption: encryptionXml(c.destination.encryption),
      },
    },
    Schedule: { Frequency: c.frequency },
    IncludedObjectVersions: c.includedVersions,
    OptionalFields: { Field: [...c.optionalFields] },
  };
}
