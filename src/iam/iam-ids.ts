import { randomInt } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Uniformly random characters from `alphabet` (randomInt avoids modulo bias). */
function randomChars(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** `length` decimal digits, never starting with 0 (RAM ids and account uids look like this). */
export function randomDigits(length: number): string {
  return String(1 + randomInt(9)) + randomChars('0123456789', length - 1);
}

/** RAM AccessKeyIds: `LTAI` + 20 characters, 24 in all (as RAM issues them). */
export const newAccessKeyId = (): string => `LTAI${randomChars(ALNUM, 20)}`;
/** RAM AccessKeySecrets are 30 characters. */
export const newAccessKeySecret = (): string => randomChars(ALNUM, 30);
/** RAM UserIds are 16 digits. */
export const newUserId = (): string => randomDigits(16);
/** RAM RoleIds are 19 digits. */
export const newRoleId = (): string => randomDigits(19);
/** Alibaba Cloud account uids are 16 digits. */
export const newAccountId = (): string => randomDigits(16);

export const userArn = (accountId: string, userName: string): string =>
  `acs:ram::${accountId}:user/${userName}`;
export const roleArn = (accountId: string, roleName: string): string =>
  `acs:ram::${accountId}:role/${roleName}`;
export const rootArn = (accountId: string): string => `acs:ram::${accountId}:root`;
