import { validateTags } from '../store/builtin/tags.js';
import { OBJECT_ACLS, RESTORE_TIERS, type Tag } from '../store/types.js';
import { isNode, type XmlNode } from '../protocol/xml.js';
import { invalidArgument, isOssError } from '../protocol/oss-error.js';
import { OPERATION_NAMES, type JobOperation, type OperationName } from './model.js';
import { container, elementNames, enumField, fieldError, integerField, rawText } from './request-fields.js';

/** RestoreObject Days: ColdArchive/DeepColdArchive allow up to 365 (spec §11.3); per-class limits apply per task. */
export const MAX_RESTORE_DAYS = 365;

/**
 * `CreateJobRequest/Operation`: exactly one of the five operations (spec §2.2; zero or several →
 * InvalidArgument naming what was found). Unknown sibling elements (e.g. the gateway-only CopyObject) are
 * not operations this server runs, so a request holding only those is refused, naming them.
 */
export function parseOperation(root: XmlNode): JobOperation {
  const op = container(root, 'Operation', 'Operation');
  const expected = OPERATION_NAMES.join(', ');
  if (op === undefined)
    throw fieldError('Operation', `is required and must contain exactly one of ${expected}.`);
  const names = elementNames(op);
  const known = names.filter((n): n is OperationName => (OPERATION_NAMES as readonly string[]).includes(n));
  if (known.length === 0) {
    const found = names.length > 0 ? `; found only unsupported ${names.join(', ')}` : '; found none';
    throw fieldError('Operation', `must contain exactly one of ${expected}${found}.`);
  }
  const name = known[0];
  if (known.length > 1)
    throw fieldError('Operation', `must contain exactly one operation; found ${known.join(', ')}.`);
  if (name === undefined || Array.isArray(op[name])) {
    throw fieldError(
      'Operation',
      `must contain exactly one operation; found ${name ?? 'none'} more than once.`,
    );
  }
  return parseOne(op, name);
}

function parseOne(op: XmlNode, name: OperationName): JobOperation {
  const path = `Operation/${name}`;
  switch (name) {
    case 'PutObjectTagging':
    case 'AddObjectTagging':
      return { kind: name, tags: parseTagSet(op, name) };
    case 'DeleteObjectTagging': {
      const body = op[name];
      const empty =
        body === '' ||
        (typeof body === 'string' && body.trim() === '') ||
        (isNode(body) && elementNames(body).length === 0);
      if (!empty) throw fieldError(path, 'must be empty.');
      return { kind: name };
    }
    case 'PutObjectAcl': {
      const node = container(op, name, path) ?? {};
      return { kind: name, acl: enumField(node, 'ObjectAcl', `${path}/ObjectAcl`, OBJECT_ACLS) };
    }
    case 'RestoreObject': {
      const node = container(op, name, path) ?? {};
      // Days defaults to 1 (spec gap 7); Tier accepts all three object-API tiers, checked per object class later.
      const days = integerField(node, 'Days', `${path}/Days`, 1, MAX_RESTORE_DAYS, 1);
      const tierText = rawText(node, 'Tier', `${path}/Tier`)?.trim();
      const tier =
        tierText === undefined || tierText === ''
          ? undefined
          : enumField(node, 'Tier', `${path}/Tier`, RESTORE_TIERS);
      return { kind: name, days, tier };
    }
  }
}

/** TagSet is required; Put may send an empty set (clears tags), Add needs at least one tag to add. */
function parseTagSet(op: XmlNode, name: 'PutObjectTagging' | 'AddObjectTagging'): Tag[] {
  const path = `Operation/${name}/TagSet`;
  const node = container(op, name, `Operation/${name}`) ?? {};
  const set = container(node, 'TagSet', path);
  if (set === undefined) throw fieldError(path, 'is required.');
  const raw = set['Tag'];
  const items = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const tags = items.map((item, i): Tag => {
    const where = `${path}/Tag[${i + 1}]`;
    if (!isNode(item)) throw fieldError(where, 'must contain Key and Value.');
    const key = rawText(item, 'Key', `${where}/Key`);
    if (key === undefined) throw fieldError(`${where}/Key`, 'is required.');
    return { key, value: rawText(item, 'Value', `${where}/Value`) ?? '' };
  });
  if (name === 'AddObjectTagging' && tags.length === 0)
    throw fieldError(path, 'must contain at least one Tag.');
  try {
    validateTags(tags); // the PutObjectTagging rules (spec §11.1), shared with the store
  } catch (e) {
    // The store raises InvalidTag for the object API; CreateJob reports InvalidArgument (spec §2.5 table).
    if (isOssError(e)) throw invalidArgument(`CreateJobRequest/${path}: ${e.message}`);
    throw e;
  }
  return tags;
}
