import { randomBytes } from 'node:crypto';

/**
 * Version ids. A version written while the bucket had versioning Enabled gets an OSS-style id
 * (`CAEQ…`, 36 URL-safe characters). Everything else — objects written before versioning was ever
 * enabled, or while it is Suspended — is the bucket's *null version* for that key: internally it keeps
 * the 32-lower-hex id every object has always had (so existing data needs no rewrite), and on the wire
 * it is `null`. Hex never starts with upper-case `CAEQ`, so the id alone tells the two apart.
 */
const VERSIONED_PREFIX = 'CAEQ';

export const NULL_VERSION = 'null';

export const newVersionId = (): string =>
  VERSIONED_PREFIX + randomBytes(24).toString('base64').replace(/\+/g, 'A').replace(/\//g, 'Q');

export const isNullVersionId = (id: string): boolean => !id.startsWith(VERSIONED_PREFIX);

/** The id a client sees: `null` for the null version. */
export const wireVersionId = (id: string): string => (isNullVersionId(id) ? NULL_VERSION : id);

/** Does the stored id `stored` answer a client's `?versionId=wanted`? (`null` names the null version.) */
export const versionMatches = (stored: string, wanted: string): boolean =>
  stored === wanted || (wanted === NULL_VERSION && isNullVersionId(stored));
