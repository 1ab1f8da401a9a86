import { IamAdminError } from './admin-types.js';
import { parseAndCompilePolicy } from './policy/compile.js';
import { type PolicyKind, PolicyError } from './policy/document.js';

/** RAM: at most two access keys per user. */
export const MAX_KEYS_PER_USER = 2;
/** RAM name rules: user and role names 1–64 of letters, digits, `.`, `_`, `-`; policy names 1–128 of letters, digits, `-`. */
export const USER_OR_ROLE_NAME = /^[A-Za-z0-9._-]{1,64}$/;
export const POLICY_NAME = /^[A-Za-z0-9-]{1,128}$/;

export function checkName(value: string, re: RegExp, what: string): void {
  if (!re.test(value))
    throw new IamAdminError('InvalidParameter', `${what} "${value}" is invalid (${re.source})`);
}

export function validateDocument(text: string, kind: PolicyKind): void {
  try {
    parseAndCompilePolicy(text, kind);
  } catch (err) {
    if (err instanceof PolicyError)
      throw new IamAdminError('MalformedPolicyDocument', `invalid policy document: ${err.message}`);
    throw err;
  }
}
