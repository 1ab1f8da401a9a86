import { randomBytes } from 'node:crypto';

/**
 * Version ids. A version written while the bucket had versioning Enabled gets an OSS-style id
 * (`CAEQ…`, 36 URL-safe characters). Everything else — objects written before versioning was ever
 * enabled, or while it is Suspended — is the bucket's *null version* for that key: internally it keeps
 * the 32-lower-hex id every object has always had (so existing data needs no rewrite), and on the wire
 * it is `null`. Hex never starts with upper-case `CAEQ`, so the id alone tells the two apart.
 * A remote store's ids are kept as the store made them (isNullVersionId).
 */
const VERSIONED_PREFIX = 'CAEQ';

export const NULL_VERSION = 'null';

export const newVersionId = (): string =>
  VERSIONED_PREFIX + randomBytes(24).toString('base64').replace(/\+/g, 'A').replace(/\//g, 'Q');

/**
 * The built-in store's null-version ids are exactly 32 lower-case hex characters (randomHex(16), since the
 * first release); `null` is the remote stores' form. Anything else is a real version id, also the ones a
 * remote store makes in its own format (S3: 32 mixed-case characters, MinIO: UUIDs): they reach the client
 * unchanged, so a manifest or inventory row from the store names the same version through ossbatch.
 */
const BUILTIN_NULL_ID = /^[0-9a-f]{32}$/;

export const isNullVersionId = (id: string): boolean =>
  id === NULL_VERSION || (!id.startsWith(VERSIONED_PREFIX) && BUILTIN_NULL_ID.test(id));

/** The id a client sees: `null` for the null version. */
export const wireVersionId = (id: string): string => (isNullVersionId(id) ? NULL_VERSION : id);

/** Does the stored id `stored` answer a client's `?versionId=wanted`? (`null` names the null version.) */
export const versionMatches = (stored: string, wanted: string): boolean =>
  stored === wanted || (wanted === NULL_VERSION && isNullVersionId(stored));
