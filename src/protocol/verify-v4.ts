import { constantTimeEqual, signatureDoesNotMatch, type RequestHeaders } from './auth-common.js';
import { OssError } from './oss-error.js';
import type { RequestTarget } from './request-target.js';
import { bucketCandidates, isSignedSubresource } from './signed-subresources.js';
import {
  canonicalQueryV4,
  canonicalRequestV4,
  computeSignatureV4,
  scopeV4,
  signingKeyV4,
  stringToSignV4,
  type V4Credential,
} from './signature-v4.js';

export interface V4VerifyInput {
  readonly method: string;
  readonly target: RequestTarget;
  readonly headers: RequestHeaders;
  readonly credential: V4Credential;
  readonly additionalHeaders: readonly string[];
  readonly isoDateTime: string;
  readonly secret: string;
  readonly provided: string;
  readonly payloadHash: string;
  /** Query names left out of the canonical query (`x-oss-signature` for presigned URLs). */
  readonly excludeQuery?: readonly string[];
}

/** Checks the parts of a V4 scope the server pins: product `oss`, our region, date = x-oss-date's date. */
export function checkScopeV4(credential: V4Credential, isoDateTime: string, region: string): void {
  if (credential.product !== 'oss') {
    throw new OssError(
      'InvalidArgument',
      `Invalid product "${credential.product}" in credential scope; expected "oss".`,
      {
        ec: '0002-00000204',
      },
    );
  }
  if (credential.date !== isoDateTime.slice(0, 8)) {
    throw new OssError('InvalidArgument', 'The date in the credential scope does not match x-oss-date.', {
      ec: '0002-00000204',
    });
  }
  if (credential.region !== region) {
    // OSS's exact answer for a foreign-region scope is not in our sources (spec §9.6 only says the region must
    // match). Decision: 400 InvalidArgument naming the expected region, so the caller can fix the endpoint,
    // rather than a SignatureDoesNotMatch that hides the cause. EC 0002-00000204 is ours (undocumented).
    throw new OssError(
      'InvalidArgument',
      `Invalid signing region "${credential.region}" in credential scope; expected "${region}".`,
      {
        ec: '0002-00000204',
      },
    );
  }
}

function rawEqualsKeys(target: RequestTarget): Set<string> | undefined {
  const parts = target.rawQueryParts;
  if (!parts) return undefined;
  const keys = new Set<string>();
  target.queryPairs.forEach(([k, v], i) => {
    if (v === '' && parts[i]?.includes('=')) keys.add(k);
  });
  return keys.size > 0 ? keys : undefined;
}

/**
 * The canonical-query variants of ali-oss's quirks (an explicit `k=` for a '' query value; `localeCompare`
 * key order), tried only once the spec form (`first`: byte-sorted, bare `k`) failed for every bucket
 * candidate: the hot path builds one canonical query and no generator.
 */
function* quirkQueryVariants(
  pairs: [string, string][],
  target: RequestTarget,
  first: string,
): Generator<string> {
  const seen = new Set([first]);
  const keepEquals = rawEqualsKeys(target);
  // ali-oss sends sub-resources as `k=` but signs them bare, and signs '' `query` values as `k=`: the
  // heuristic variant keeps `=` only on names that are not known sub-resources.
  const nonSub = keepEquals && new Set([...keepEquals].filter((k) => !isSignedSubresource(k)));
  for (const order of ['bytes', 'locale'] as const) {
    for (const keep of [undefined, nonSub, keepEquals]) {
      if (keep !== undefined && keep.size === 0) continue;
      const q = canonicalQueryV4(pairs, keep ? { order, keepEquals: keep } : { order });
      if (!seen.has(q)) {
        seen.add(q);
        yield q;
      }
    }
  }
}

export function verifyV4(input: V4VerifyInput): void {
  const exclude = input.excludeQuery;
  const pairs =
    exclude === undefined
      ? input.target.queryPairs
      : input.target.queryPairs.filter(([k]) => !exclude.includes(k));
  const provided = input.provided.toLowerCase();
  const { credential } = input;
  const scope = scopeV4(credential.date, credential.region, credential.product);
  const key = signingKeyV4(input.secret, credential.date, credential.region, credential.product);
  let first: { sts: string; canonical: string } | undefined;
  const { bucket, key: objectKey, query } = input.target;
  const matches = (candidateBucket: string | undefined, canonicalQuery: string): boolean => {
    const canonical = canonicalRequestV4({
      method: input.method,
      bucket: candidateBucket,
      key: objectKey,
      canonicalQuery,
      headers: input.headers,
      additionalHeaders: input.additionalHeaders,
      payloadHash: input.payloadHash,
    });
    const sts = stringToSignV4(input.isoDateTime, scope, canonical);
    first ??= { sts, canonical };
    return constantTimeEqual(computeSignatureV4(key, sts), provided);
  };
  // Any (bucket, query form) that matches is accepted, so the spec form goes first for every candidate.
  const candidates = bucketCandidates(bucket, objectKey, query);
  const specQuery = canonicalQueryV4(pairs);
  for (const candidateBucket of candidates) if (matches(candidateBucket, specQuery)) return;
  for (const candidateBucket of candidates) {
    for (const canonicalQuery of quirkQueryVariants(pairs, input.target, specQuery)) {
      if (matches(candidateBucket, canonicalQuery)) return;
    }
  }
  const err = signatureDoesNotMatch(credential.accessKeyId, input.provided, first?.sts ?? '');
  throw new OssError('SignatureDoesNotMatch', err.message, {
    ec: '0002-00000201',
    details: { ...err.details, CanonicalRequest: first?.canonical ?? '' },
  });
}
