import type { JobOperation, OperationName } from '../jobs/model.js';
import type { ObjectOperation } from '../store/object-store.js';

/**
 * What each job operation does per object (spec §13) and the RAM actions the role needs for it
 * (spec §8.1): AddObjectTagging reads then writes the tag set, so it needs both tagging actions.
 */
export const OPERATION_ACTIONS: Readonly<Record<OperationName, readonly string[]>> = {
  PutObjectTagging: ['oss:PutObjectTagging'],
  AddObjectTagging: ['oss:GetObjectTagging', 'oss:PutObjectTagging'],
  DeleteObjectTagging: ['oss:DeleteObjectTagging'],
  PutObjectAcl: ['oss:PutObjectAcl'],
  RestoreObject: ['oss:RestoreObject'],
};

export function toObjectOperation(op: JobOperation): ObjectOperation {
  switch (op.kind) {
    case 'PutObjectTagging':
      return { kind: 'putTags', tags: op.tags };
    case 'AddObjectTagging':
      return { kind: 'addTags', tags: op.tags };
    case 'DeleteObjectTagging':
      return { kind: 'deleteTags' };
    case 'PutObjectAcl':
      return { kind: 'putAcl', acl: op.acl };
    case 'RestoreObject':
      return { kind: 'restore', days: op.days, tier: op.tier };
  }
}
