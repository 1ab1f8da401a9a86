import { constantTimeEqual, signatureDoesNotMatch, type RequestHeaders } from './auth-common.js';
import {
  computeSignatureV1,
  signedSubresourcesOf,
  stringToSignV1,
  subresourceCandidates,
} from './signature-v1.js';
import type { RequestTarget } from './request-target.js';
import { bucketCandidates } from './signed-subresources.js';

export interface V1VerifyInput {
  readonly method: string;
  readonly target: RequestTarget;
  readonly headers: RequestHeaders;
  readonly accessKeyId: string;
  readonly secret: string;
  readonly provided: string;
  /** The Date slot (header date or presign `Expires`). */
  readonly date: string;
  /** Query names that carry the presigned credentials and are never part of the resource. */
  readonly exclude?: readonly string[];
}

/**
 * Verifies a V1 signature against each candidate resource (with, then without, the batch sub-resources;
 * spec gap 3; and for batch calls on a bucket host, also without the bucket: gap 4). Throws SignatureDoesNotMatch carrying the first (preferred) string to sign.
 */
export function verifyV1(input: V1VerifyInput): void {
  const signed = signedSubresourcesOf(input.target.query);
  for (const name of input.exclude ?? []) signed.delete(name);
  let first: string | undefined;
  const { bucket, key, query } = input.target;
  for (const candidateBucket of bucketCandidates(bucket, key, query)) {
    for (const subresources of subresourceCandidates(signed)) {
      const sts = stringToSignV1({
        method: input.method,
        bucket: candidateBucket,
        key,
        subresources,
        headers: input.headers,
        date: input.date,
      });
      first ??= sts;
      if (constantTimeEqual(computeSignatureV1(input.secret, sts), input.provided)) return;
    }
  }
  throw signatureDoesNotMatch(input.accessKeyId, input.provided, first ?? '');
}
