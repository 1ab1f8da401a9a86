import { toXml, type XmlOut, type XmlOutNode } from '../protocol/xml.js';
import type { CreateJobInput, JobOperation } from './types.js';

function operationXml(op: JobOperation): XmlOutNode {
  switch (op.type) {
    case 'PutObjectTagging':
    case 'AddObjectTagging':
      return { [op.type]: { TagSet: { Tag: op.tags.map((t) => ({ Key: t.key, Value: t.value })) } } };
    case 'DeleteObjectTagging':
      return { DeleteObjectTagging: {} };
    case 'PutObjectAcl':
      return { PutObjectAcl: { ObjectAcl: op.acl } };
    case 'RestoreObject':
      return { RestoreObject: { Days: op.days, Tier: op.tier } };
  }
}

/**
 * The CreateJob body (spec §2.1), elements in the documented order, every text escaped (ali-oss's obj2xml
 * does not escape, real-clients §1.3). A disabled report is still sent (`Enabled=false`): the gateway SDK
 * treats `Report` as required.
 */
export function createJobXml(input: CreateJobInput): string {
  const report = input.report ?? { enabled: false };
  const src = input.source;
  const body: XmlOutNode = {
    ConfirmationRequired: input.confirmationRequired,
    Operation: operationXml(input.operation),
    Report: {
      Bucket: report.bucket,
      Enabled: report.enabled,
      Prefix: report.prefix,
      ReportScope: report.scope,
    },
    ClientRequestToken: input.clientRequestToken,
    Manifest:
      src.kind === 'manifest'
        ? {
            Location: { ETag: src.etag, Bucket: src.bucket, Object: src.object, VersionId: src.versionId },
            Spec: { Fields: src.fields, Format: src.format },
          }
        : undefined,
    KeyPrefixManifestGenerator:
      src.kind === 'prefix' ? { SourceBucket: src.sourceBucket, Prefix: src.prefix } : undefined,
    Description: input.description,
    Priority: input.priority ?? 0,
    RoleArn: input.roleArn,
  };
  return toXml('CreateJobRequest', body);
}

/** The element a JSON array stands for when it sits directly under these containers. */
const ARRAY_ITEM: Readonly<Record<string, string>> = { TagSet: 'Tag', FailureReasons: 'JobFailure' };

function jsonToXmlOut(value: unknown, parent: string, path: string): XmlOut {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    const items = value.map((v) => jsonToXmlOut(v, parent, path));
    const item = ARRAY_ITEM[parent];
    return item !== undefined ? { [item]: items } : items;
  }
  if (typeof value === 'object') {
    const out: XmlOutNode = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(k))
        throw new Error(`${path}: "${k}" is not a valid XML element name`);
      out[k] = jsonToXmlOut(v, k, `${path}.${k}`);
    }
    return out;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  throw new Error(`${path}: unsupported JSON value`);
}

/**
 * ossutil-style JSON input for create-job: `{"CreateJobRequest": {...}}` or the inner object, with the same
 * element names as the XML. Arrays repeat their element (`"Tag": [{...}, {...}]`); an array put directly
 * under `TagSet` is read as its `Tag` list. Text is XML-escaped.
 */
export function createJobXmlFromJson(json: unknown): string {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error('the CreateJob JSON must be an object');
  }
  const record = json as Record<string, unknown>;
  const keys = Object.keys(record);
  const inner = keys.length === 1 && keys[0] === 'CreateJobRequest' ? record['CreateJobRequest'] : record;
  if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) {
    throw new Error('CreateJobRequest must be an object');
  }
  return toXml('CreateJobRequest', jsonToXmlOut(inner, 'CreateJobRequest', 'CreateJobRequest') as XmlOutNode);
}
