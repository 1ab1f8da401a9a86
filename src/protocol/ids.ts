import { randomBytes } from 'node:crypto';

/** x-oss-request-id: 24 upper-case hex characters, as OSS emits. */
export const newRequestId = (): string => randomBytes(12).toString('hex').toUpperCase();

/** Job ids as OSS emits them: base64 of a random 32-hex-digit string, 44 characters (spec §7.1). */
export const newJobId = (): string =>
  Buffer.from(randomBytes(16).toString('hex'), 'ascii').toString('base64');

/** Random lower-case hex, for version ids, file names and secrets. */
export const randomHex = (bytes: number): string => randomBytes(bytes).toString('hex');
