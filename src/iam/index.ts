export type {
  AccessKeyRecord,
  Authorizer,
  AuthzRequest,
  Decision,
  Iam,
  Principal,
  RequestContext,
  RoleRecord,
} from './types.js';
export * from './admin-types.js';
export { createIamService, type IamServiceOptions } from './iam-service.js';
export type {
  IamAdminStore,
  IamDirectory,
  RootAccount,
  RootAccountEnv,
  StoredAccessKey,
  StoredRole,
} from './directory.js';
export { actionForApi } from './actions.js';
export { bucketResource, objectResource, serviceResource } from './resources.js';
export { aclAllows, effectiveAcl } from './acl.js';
export { userArn, roleArn } from './iam-ids.js';
export { PolicyError, parsePolicyDocument, type PolicyDocument, type PolicyKind } from './policy/document.js';
export { compilePolicy, parseAndCompilePolicy, PolicyCache, type CompiledPolicy } from './policy/compile.js';
export { evaluate, evaluateDetailed, type EvaluationInput } from './policy/evaluator.js';

import { parseAndCompilePolicy } from './policy/compile.js';
import { PolicyError } from './policy/document.js';

/**
 * For PutBucketPolicy: undefined when `text` is a valid bucket policy, else the one-line reason
 * (e.g. `Statement[0].Principal is required in a bucket policy`).
 */
export function validateBucketPolicy(text: string): string | undefined {
  try {
    parseAndCompilePolicy(text, 'bucket');
    return undefined;
  } catch (err) {
    if (err instanceof PolicyError) return err.message;
    throw err;
  }
}
