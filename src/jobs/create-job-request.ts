import { createHash } from 'node:crypto';
import { parseXmlBody, type XmlNode } from '../protocol/xml.js';
import { OssError } from '../protocol/oss-error.js';
import { isValidBucketName, MAX_KEY_BYTES } from '../protocol/request-target.js';
import {
  MANIFEST_FORMATS,
  type JobSpec,
  type KeyPrefixSpec,
  type ManifestSpec,
  type ReportSpec,
} from './model.js';
import { parseOperation } from './create-job-operation.js';
import { MAX_REPORT_PREFIX_BYTES, REPORT_KEY_OVERHEAD_BYTES } from './report-keys.js';
import {
  ROOT,
  booleanField,
  charCount,
  container,
  enumField,
  fieldError,
  integerField,
  quote,
  rawText,
  requiredText,
  trimmedText,
} from './request-fields.js';

/** Limits the docs leave open, with the values spec §16 gap 1 recommends (S3/COS use the same). */
export const MAX_DESCRIPTION_CHARS = 256;
export const MAX_TOKEN_CHARS = 64;
export const MAX_PRIORITY = 2_147_483_647;
/**
 * Report/Prefix, in characters (spec §16 gap 1); its UTF-8 bytes are bounded separately by
 * MAX_REPORT_PREFIX_BYTES (report-keys.ts), since report keys are `<Prefix>job-<JobId>/…`.
 */
export const MAX_REPORT_PREFIX_CHARS = 512;
export { MAX_KEY_BYTES, MAX_REPORT_PREFIX_BYTES };
export const CSV_FIELD_NAMES = ['Bucket', 'Key', 'VersionId', 'Ignore'] as const;
/** Spec gap 6: Fields absent or empty on a CSV manifest means the two mandatory columns. */
export const DEFAULT_CSV_FIELDS = 'Bucket,Key';

/** EC of every RoleArn refusal (spec §2.5 [DOC]). */
export const ROLE_ARN_EC = '0017-00001009';
const ROLE_ARN_RE = /^(arn:)?acs:ram::\d+:role\/[^/\s]+$/;

export const roleArnError = (why: string): OssError =>
  new OssError('InvalidArgument', `The value of the CreateJobRequest/RoleArn node is invalid. ${why}`, {
    ec: ROLE_ARN_EC,
  });

/**
 * Parses and validates a `<CreateJobRequest>` body (spec §2.1–2.2 and gaps 1, 6, 7, 12) into a JobSpec.
 * Syntax and value checks only; RoleArn/bucket/manifest existence is job-references.ts. Unknown elements
 * are ignored (forward compatibility with newer SDKs); no XML namespace is required.
 * The returned object has a fixed key order, so JSON.stringify of it is the normalised request.
 */
export function parseCreateJobRequest(body: Buffer | string): JobSpec {
  const root = parseXmlBody(body, ROOT);
  const operation = parseOperation(root);
  const source = parseSource(root);
  const token = rawText(root, 'ClientRequestToken', 'ClientRequestToken');
  if (token !== undefined && (token.length === 0 || charCount(token) > MAX_TOKEN_CHARS)) {
    throw fieldError(
      'ClientRequestToken',
      `must be 1 to ${MAX_TOKEN_CHARS} characters long; got ${charCount(token)}.`,
    );
  }
  const description = rawText(root, 'Description', 'Description') ?? '';
  if (charCount(description) > MAX_DESCRIPTION_CHARS) {
    throw fieldError(
      'Description',
      `must be at most ${MAX_DESCRIPTION_CHARS} characters long; got ${charCount(description)}.`,
    );
  }
  return {
    confirmationRequired: booleanField(root, 'ConfirmationRequired', 'ConfirmationRequired', false),
    operation,
    report: parseReport(root),
    clientRequestToken: token,
    manifest: source.manifest,
    keyPrefix: source.keyPrefix,
    description,
    priority: integerField(root, 'Priority', 'Priority', 0, MAX_PRIORITY, 0),
    roleArn: parseRoleArn(root),
  };
}

/** sha256 of the normalised spec: the same request with other whitespace or element order hashes the same. */
export const requestHash = (spec: JobSpec): string =>
  createHash('sha256').update(JSON.stringify(spec)).digest('hex');

function parseRoleArn(root: XmlNode): string {
  const arn = trimmedText(root, 'RoleArn', 'RoleArn');
  if (arn === undefined || arn === '') throw roleArnError('RoleArn is required.');
  if (!ROLE_ARN_RE.test(arn)) {
    throw roleArnError(
      `${quote(arn)} is not a RAM role ARN of the form acs:ram::<account-id>:role/<role-name>.`,
    );
  }
  return arn;
}

/** Report is optional (absent = no report, spec gap 1); when given, Enabled is required. */
function parseReport(root: XmlNode): ReportSpec {
  const node = container(root, 'Report', 'Report');
  if (node === undefined) return { enabled: false, bucket: undefined, prefix: undefined, scope: 'AllTasks' };
  const enabled = booleanField(node, 'Enabled', 'Report/Enabled', undefined);
  const bucketText = trimmedText(node, 'Bucket', 'Report/Bucket');
  const bucket = bucketText === '' ? undefined : bucketText;
  if (enabled && bucket === undefined)
    throw fieldError('Report/Bucket', 'is required when Report/Enabled is true.');
  if (bucket !== undefined) checkBucketName(bucket, 'Report/Bucket');
  const prefix = rawText(node, 'Prefix', 'Report/Prefix');
  if (prefix !== undefined && charCount(prefix) > MAX_REPORT_PREFIX_CHARS) {
    throw fieldError(
      'Report/Prefix',
      `must be at most ${MAX_REPORT_PREFIX_CHARS} characters long; got ${charCount(prefix)}.`,
    );
  }
  if (prefix !== undefined && Buffer.byteLength(prefix) > MAX_REPORT_PREFIX_BYTES) {
    throw fieldError(
      'Report/Prefix',
      `must be at most ${MAX_REPORT_PREFIX_BYTES} bytes long in UTF-8, so that report keys ` +
        `(the prefix + ${REPORT_KEY_OVERHEAD_BYTES} bytes) stay within the ${MAX_KEY_BYTES}-byte object key ` +
        `limit; got ${Buffer.byteLength(prefix)} bytes.`,
    );
  }
  const scope = enumField(
    node,
    'ReportScope',
    'Report/ReportScope',
    ['AllTasks', 'FailedTasksOnly'] as const,
    'AllTasks',
  );
  return { enabled, bucket, prefix: prefix === '' ? undefined : prefix, scope };
}

/** Exactly one of Manifest / KeyPrefixManifestGenerator ("specify only one of them" [DOC]). */
function parseSource(root: XmlNode): { manifest?: ManifestSpec; keyPrefix?: KeyPrefixSpec } {
  const manifest = container(root, 'Manifest', 'Manifest');
  const generator = container(root, 'KeyPrefixManifestGenerator', 'KeyPrefixManifestGenerator');
  if (manifest && generator) {
    throw new OssError(
      'InvalidArgument',
      'CreateJobRequest must contain only one of Manifest and KeyPrefixManifestGenerator; both were given.',
    );
  }
  if (manifest) return { manifest: parseManifest(manifest) };
  if (generator) return { keyPrefix: parseGenerator(generator) };
  throw new OssError(
    'InvalidArgument',
    'CreateJobRequest must contain one of Manifest and KeyPrefixManifestGenerator; neither was given.',
  );
}

function parseManifest(node: XmlNode): ManifestSpec {
  const location = container(node, 'Location', 'Manifest/Location');
  if (location === undefined) throw fieldError('Manifest/Location', 'is required.');
  const spec = container(node, 'Spec', 'Manifest/Spec');
  if (spec === undefined) throw fieldError('Manifest/Spec', 'is required.');
  const bucket = requiredText(location, 'Bucket', 'Manifest/Location/Bucket');
  checkBucketName(bucket, 'Manifest/Location/Bucket');
  const object = rawText(location, 'Object', 'Manifest/Location/Object');
  if (object === undefined || object === '')
    throw fieldError(
      'Manifest/Location/Object',
      object === undefined ? 'is required.' : 'must not be empty.',
    );
  if (Buffer.byteLength(object) > MAX_KEY_BYTES) {
    throw fieldError(
      'Manifest/Location/Object',
      `must be at most ${MAX_KEY_BYTES} bytes long in UTF-8 (the object key limit); got ${Buffer.byteLength(object)} bytes.`,
    );
  }
  const format = enumField(spec, 'Format', 'Manifest/Spec/Format', MANIFEST_FORMATS);
  const versionId = trimmedText(location, 'VersionId', 'Manifest/Location/VersionId');
  const etag = trimmedText(location, 'ETag', 'Manifest/Location/ETag');
  // Fields matter for CSV only; an inventory manifest carries its own fileSchema (spec §2.2, §12.2).
  const fields = format === 'OSS_BatchOperations_CSV_20250611' ? parseCsvFields(spec) : undefined;
  return {
    bucket,
    object,
    versionId: versionId === '' ? undefined : versionId,
    etag: etag === '' ? undefined : etag,
    format,
    fields,
  };
}

/** `Bucket,Key[,VersionId]` with optional `Ignore` columns (spec §12.1, gap 6); normalised without spaces. */
function parseCsvFields(spec: XmlNode): string {
  const raw = trimmedText(spec, 'Fields', 'Manifest/Spec/Fields');
  if (raw === undefined || raw === '') return DEFAULT_CSV_FIELDS;
  const names = raw.split(',').map((f) => f.trim());
  for (const n of names) {
    if (!(CSV_FIELD_NAMES as readonly string[]).includes(n)) {
      throw fieldError(
        'Manifest/Spec/Fields',
        `may contain only ${CSV_FIELD_NAMES.join(', ')} (comma-separated); got ${quote(n)}.`,
      );
    }
  }
  for (const n of ['Bucket', 'Key', 'VersionId']) {
    const count = names.filter((f) => f === n).length;
    if (count > 1)
      throw fieldError('Manifest/Spec/Fields', `must name ${n} at most once; got ${quote(raw)}.`);
    if (count === 0 && n !== 'VersionId')
      throw fieldError('Manifest/Spec/Fields', `must contain Bucket and Key; got ${quote(raw)}.`);
  }
  return names.join(',');
}

function parseGenerator(node: XmlNode): KeyPrefixSpec {
  const sourceBucket = requiredText(node, 'SourceBucket', 'KeyPrefixManifestGenerator/SourceBucket');
  checkBucketName(sourceBucket, 'KeyPrefixManifestGenerator/SourceBucket');
  const prefix = rawText(node, 'Prefix', 'KeyPrefixManifestGenerator/Prefix') ?? '';
  if (Buffer.byteLength(prefix) > MAX_KEY_BYTES) {
    throw fieldError(
      'KeyPrefixManifestGenerator/Prefix',
      `must be at most ${MAX_KEY_BYTES} bytes long in UTF-8 (the object key limit); got ${Buffer.byteLength(prefix)} bytes.`,
    );
  }
  return { sourceBucket, prefix };
}

/**
 * A name no bucket can have (too long, upper case, multi-byte) is a mistake in the request, answered
 * 400 InvalidArgument at once, not looked up in the store (a remote store may answer it with an error of
 * its own rather than "no such bucket").
 */
function checkBucketName(name: string, path: string): void {
  if (!isValidBucketName(name)) {
    throw fieldError(
      path,
      `must be a bucket name: 3 to 63 characters of a-z, 0-9 and -, not starting or ending with -; got ${quote(name)}.`,
    );
  }
}
