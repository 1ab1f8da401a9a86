import { createHash, type Hash } from 'node:crypto';
import { OssError } from './oss-error.js';

/** A Content-MD5 header must be base64 of exactly 16 bytes (spec §9.2). */
function decodeExpected(expectedBase64: string): Buffer {
  const trimmed = expectedBase64.trim();
  const bytes = Buffer.from(trimmed, 'base64');
  if (bytes.length !== 16 || bytes.toString('base64') !== trimmed) {
    throw new OssError(
      'InvalidDigest',
      'The Content-MD5 you specified is not valid base64 of a 16-byte MD5.',
    );
  }
  return bytes;
}

function compare(expected: Buffer, actualDigest: Buffer, expectedBase64: string): void {
  if (!expected.equals(actualDigest)) {
    throw new OssError('InvalidDigest', undefined, {
      details: { ContentMD5: expectedBase64, CalculatedMD5: actualDigest.toString('base64') },
    });
  }
}

/** Throws InvalidDigest (400) when base64(MD5(actual)) differs from the Content-MD5 header. */
export function verifyContentMd5(expectedBase64: string, actual: Buffer): void {
  const expected = decodeExpected(expectedBase64);
  compare(expected, createHash('md5').update(actual).digest(), expectedBase64);
}

/**
 * Incremental form for streamed bodies: create it before reading (a malformed header fails at once), feed
 * every chunk, then `finish()` throws InvalidDigest on a mismatch and otherwise returns the digest.
 */
export class ContentMd5Verifier {
  private readonly expected: Buffer | undefined;
  private readonly hash: Hash = createHash('md5');

  constructor(private readonly expectedBase64: string | undefined) {
    this.expected = expectedBase64 === undefined ? undefined : decodeExpected(expectedBase64);
  }

  update(chunk: Buffer): void {
    this.hash.update(chunk);
  }

  finish(): Buffer {
    const digest = this.hash.digest();
    if (this.expected && this.expectedBase64 !== undefined)
      compare(this.expected, digest, this.expectedBase64);
    return digest;
  }
}
